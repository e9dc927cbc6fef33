package dev.latchkey.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.StoredSecret;
import dev.latchkey.core.store.memory.InMemoryStores;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.store.ClientStore;
import dev.latchkey.core.store.record.Change;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Issue 12, item 11: an unknown client id costs what a known one costs: no store read each time. */
class ClientDirectoryTest {

    /** The in-memory client store, counting its reads. */
    private static final class CountingStore {
        final ClientStore real = new InMemoryStores().clients();
        final AtomicInteger reads = new AtomicInteger();
        final ClientStore store = (ClientStore) Proxy.newProxyInstance(ClientStore.class.getClassLoader(),
                new Class<?>[] {ClientStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("find")) {
                        reads.incrementAndGet();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });

        void insert(RegisteredClient client) {
            real.insert(client, null);
        }
    }

    private final CountingStore counting = new CountingStore();
    private final AtomicLong nanos = new AtomicLong();
    private final ClientDirectory directory = new ClientDirectory(counting.store, () -> true, nanos::get);

    private static RegisteredClient client(String id) {
        return RegisteredClient.registered(id, new StoredSecret("sec-" + id, "default", Secrets.hash("s"), Instant.EPOCH,
                null, null), Secrets.hash("r"), ClientMetadata.parse(Map.of("scope", "read"), ClientLimits.defaults()),
                Instant.EPOCH, null);
    }

    @Test
    void anUnknownIdIsReadFromTheStoreOnceThenRememberedForAWhile() {
        for (int i = 0; i < 100; i++) {
            assertThat(directory.find("nobody")).isEmpty();
        }
        assertThat(counting.reads).hasValue(1);

        nanos.addAndGet(TimeUnit.SECONDS.toNanos(ClientDirectory.UNKNOWN_SECONDS) + 1);
        assertThat(directory.find("nobody")).isEmpty();
        assertThat(counting.reads).hasValue(2);
    }

    @Test
    void aKnownClientIsReadOnceLikeAnUnknownOne() {
        counting.insert(client("known"));
        for (int i = 0; i < 100; i++) {
            assertThat(directory.find("known")).isPresent();
        }
        assertThat(counting.reads).hasValue(1);
    }

    @Test
    void aClientCreatedAfterItsIdWasLookedUpIsFoundOnceTheChangeArrives() {
        assertThat(directory.find("late")).isEmpty();
        counting.insert(client("late"));

        directory.apply(new Change(1, Change.Kind.CLIENT_CHANGED, "late", Instant.EPOCH));

        assertThat(directory.find("late")).isPresent();
    }

    @Test
    void aClientRegisteredOnThisNodeIsFoundAtOnce() {
        ClientRegistrar registrar = new ClientRegistrar(counting.store, directory, ClientLimits.defaults(), null,
                java.time.Clock.systemUTC());

        ClientRegistrar.Registration registration =
                registrar.register(ClientMetadata.parse(Map.of("scope", "read"), ClientLimits.defaults()),
                        Actor.commandLine(), null);

        assertThat(directory.find(registration.client().clientId())).isPresent();
    }
}
