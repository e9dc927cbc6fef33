package dev.latchkey.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.store.ClientStore;
import dev.latchkey.core.store.record.Change;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Issue 12, item 11: an unknown client id costs what a known one costs: no store read each time. */
class ClientDirectoryTest {

    /** A store that counts its reads. */
    private static final class CountingStore implements ClientStore {
        final Map<String, RegisteredClient> clients = new ConcurrentHashMap<>();
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public void insert(RegisteredClient client) {
            clients.put(client.clientId(), client);
        }

        @Override
        public Optional<RegisteredClient> find(String clientId) {
            reads.incrementAndGet();
            return Optional.ofNullable(clients.get(clientId));
        }

        @Override
        public boolean update(RegisteredClient client, Instant now) {
            return clients.replace(client.clientId(), client) != null;
        }

        @Override
        public boolean delete(String clientId, Instant now) {
            return clients.remove(clientId) != null;
        }
    }

    private final CountingStore store = new CountingStore();
    private final AtomicLong nanos = new AtomicLong();
    private final ClientDirectory directory = new ClientDirectory(store, () -> true, nanos::get);

    private static RegisteredClient client(String id) {
        return new RegisteredClient(id, Secrets.hash("s"), Secrets.hash("r"),
                ClientMetadata.parse(Map.of("scope", "read"), ClientLimits.defaults()), Instant.EPOCH);
    }

    @Test
    void anUnknownIdIsReadFromTheStoreOnceThenRememberedForAWhile() {
        for (int i = 0; i < 100; i++) {
            assertThat(directory.find("nobody")).isEmpty();
        }
        assertThat(store.reads).hasValue(1);

        nanos.addAndGet(TimeUnit.SECONDS.toNanos(ClientDirectory.UNKNOWN_SECONDS) + 1);
        assertThat(directory.find("nobody")).isEmpty();
        assertThat(store.reads).hasValue(2);
    }

    @Test
    void aKnownClientIsReadOnceLikeAnUnknownOne() {
        store.insert(client("known"));
        for (int i = 0; i < 100; i++) {
            assertThat(directory.find("known")).isPresent();
        }
        assertThat(store.reads).hasValue(1);
    }

    @Test
    void aClientCreatedAfterItsIdWasLookedUpIsFoundOnceTheChangeArrives() {
        assertThat(directory.find("late")).isEmpty();
        store.insert(client("late"));

        directory.apply(new Change(1, Change.Kind.CLIENT_CHANGED, "late", Instant.EPOCH));

        assertThat(directory.find("late")).isPresent();
    }

    @Test
    void aClientRegisteredOnThisNodeIsFoundAtOnce() {
        ClientRegistrar registrar = new ClientRegistrar(store, directory, ClientLimits.defaults(), null,
                java.time.Clock.systemUTC());

        ClientRegistrar.Registration registration =
                registrar.register(ClientMetadata.parse(Map.of("scope", "read"), ClientLimits.defaults()));

        assertThat(directory.find(registration.client().clientId())).isPresent();
    }
}
