package dev.latchkey.core.store.memory;

import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.ChangeLog;
import dev.latchkey.core.store.ClientStore;
import dev.latchkey.core.store.KeyStore;
import dev.latchkey.core.store.StoreUnavailableException;
import dev.latchkey.core.store.Stores;
import dev.latchkey.core.store.TokenStore;
import dev.latchkey.core.store.record.Change;
import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import dev.latchkey.core.store.record.RefreshTokenRecord;
import dev.latchkey.core.store.record.Rotation;
import dev.latchkey.core.store.record.StoredKey;
import dev.latchkey.core.store.record.StoredRefreshToken;
import dev.latchkey.core.store.record.TokenFamily;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every store in memory, for tests and tools that need no persistence. It keeps the same contract
 * as the JDBC stores (the contract suite runs against it): one lock makes every method one
 * transaction, so rotation is atomic and serialized with family revocation; a duplicate key fails
 * the write with {@link StoreUnavailableException}, as a database constraint does. Nothing survives
 * the process. Thread-safe.
 */
public final class InMemoryStores implements Stores, ClientStore, TokenStore, KeyStore, ChangeLog {

    private static final Duration CHANGE_TTL = Duration.ofDays(1);
    private static final long UNRECORDED_ACCESS_SECONDS = 365L * 24 * 3600;

    private final Map<String, RegisteredClient> clients = new HashMap<>();
    private final Map<TokenHash, OpaqueAccessTokenRecord> accessTokens = new HashMap<>();
    private final Map<TokenHash, RefreshTokenRecord> refreshTokens = new HashMap<>();
    private final Map<String, TokenFamily> families = new HashMap<>();
    private final Map<String, StoredKey> keys = new HashMap<>();
    private final List<Change> changes = new ArrayList<>();
    private long nextSeq = 1;

    @Override
    public ClientStore clients() {
        return this;
    }

    @Override
    public TokenStore tokens() {
        return this;
    }

    @Override
    public KeyStore keys() {
        return this;
    }

    @Override
    public ChangeLog changes() {
        return this;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public void close() {
    }

    // ClientStore

    @Override
    public synchronized void insert(RegisteredClient client) {
        requireAbsent(clients, client.clientId());
        clients.put(client.clientId(), client);
        append(Change.Kind.CLIENT_CHANGED, client.clientId(), client.issuedAt().plus(CHANGE_TTL));
    }

    @Override
    public synchronized Optional<RegisteredClient> find(String clientId) {
        return Optional.ofNullable(clients.get(clientId));
    }

    @Override
    public synchronized boolean update(RegisteredClient client, Instant now) {
        if (!clients.containsKey(client.clientId())) {
            return false;
        }
        clients.put(client.clientId(), client);
        append(Change.Kind.CLIENT_CHANGED, client.clientId(), now.plus(CHANGE_TTL));
        return true;
    }

    @Override
    public synchronized boolean delete(String clientId, Instant now) {
        boolean removed = clients.remove(clientId) != null;
        families.replaceAll((id, family) -> family.clientId().equals(clientId) ? revoked(family) : family);
        refreshTokens.replaceAll((hash, token) -> token.clientId().equals(clientId) ? revoked(token) : token);
        accessTokens.replaceAll((hash, token) -> token.clientId().equals(clientId) ? revoked(token) : token);
        append(Change.Kind.CLIENT_CHANGED, clientId, now.plus(CHANGE_TTL));
        return removed;
    }

    // TokenStore

    @Override
    public synchronized void saveAccessToken(OpaqueAccessTokenRecord token) {
        requireAbsent(accessTokens, token.hash());
        accessTokens.put(token.hash(), token);
    }

    @Override
    public synchronized Optional<OpaqueAccessTokenRecord> findAccessToken(TokenHash hash) {
        return Optional.ofNullable(accessTokens.get(hash));
    }

    @Override
    public synchronized void saveRefreshToken(TokenFamily family, RefreshTokenRecord token,
            OpaqueAccessTokenRecord accessToken) {
        requireAbsent(families, family.familyId());
        requireAbsent(refreshTokens, token.hash());
        if (accessToken != null) {
            requireAbsent(accessTokens, accessToken.hash());
            accessTokens.put(accessToken.hash(), accessToken);
        }
        families.put(family.familyId(), family);
        refreshTokens.put(token.hash(), token);
    }

    @Override
    public synchronized Optional<StoredRefreshToken> findRefreshToken(TokenHash hash) {
        return Optional.ofNullable(refreshTokens.get(hash)).map(StoredRefreshToken::of);
    }

    @Override
    public synchronized boolean rotate(Rotation rotation) {
        RefreshTokenRecord old = refreshTokens.get(rotation.oldHash());
        TokenFamily family = old == null ? null : families.get(old.familyId());
        if (old == null || family == null || family.revoked() || old.state() != RefreshTokenRecord.State.ACTIVE
                || old.isExpired(rotation.now())) {
            return false;
        }
        requireAbsent(refreshTokens, rotation.successor().hash());
        if (rotation.accessToken() != null) {
            requireAbsent(accessTokens, rotation.accessToken().hash());
            accessTokens.put(rotation.accessToken().hash(), rotation.accessToken());
        }
        refreshTokens.put(old.hash(), new RefreshTokenRecord(old.hash(), old.familyId(), old.clientId(), old.scope(),
                old.resources(), old.issuedAt(), old.expiresAt(), old.accessExpiresAt(), old.familyExpiresAt(),
                RefreshTokenRecord.State.ROTATED,
                rotation.now(), rotation.successor().hash(), rotation.sealedSuccessor(), rotation.graceUntil()));
        refreshTokens.put(rotation.successor().hash(), rotation.successor());
        return true;
    }

    @Override
    public synchronized Optional<Instant> revokeFamily(String familyId, Instant rememberAtLeastUntil) {
        TokenFamily family = families.get(familyId);
        if (family == null || family.revoked()) {
            return Optional.empty();
        }
        families.put(familyId, revoked(family));
        Instant rememberUntil = rememberAtLeastUntil;
        for (RefreshTokenRecord token : refreshTokens.values()) {
            if (token.familyId().equals(familyId)) {
                Instant accessExpiry = token.accessExpiresAt() != null ? token.accessExpiresAt()
                        : token.issuedAt().plusSeconds(UNRECORDED_ACCESS_SECONDS);
                rememberUntil = accessExpiry.isAfter(rememberUntil) ? accessExpiry : rememberUntil;
            }
        }
        refreshTokens.replaceAll((hash, token) -> token.familyId().equals(familyId) ? revoked(token) : token);
        accessTokens.replaceAll((hash, token) -> familyId.equals(token.familyId()) ? revoked(token) : token);
        append(Change.Kind.FAMILY_REVOKED, familyId, rememberUntil);
        return Optional.of(rememberUntil);
    }

    @Override
    public synchronized boolean revokeAccessToken(TokenHash hash) {
        OpaqueAccessTokenRecord token = accessTokens.get(hash);
        if (token == null) {
            return false;
        }
        accessTokens.put(hash, revoked(token));
        return true;
    }

    @Override
    public synchronized boolean revokeJwt(String jti, Instant expiresAt) {
        if (changes.stream().anyMatch(c -> c.kind() == Change.Kind.JTI_REVOKED && c.ref().equals(jti))) {
            return false;
        }
        append(Change.Kind.JTI_REVOKED, jti, expiresAt);
        return true;
    }

    @Override
    public synchronized int purgeExpired(Instant now, int batchSize) {
        int touched = removeUpTo(accessTokens.values().iterator(), token -> !token.expiresAt().isAfter(now), batchSize);
        List<String> emptied = new ArrayList<>();
        Iterator<RefreshTokenRecord> refresh = refreshTokens.values().iterator();
        int purged = 0;
        while (refresh.hasNext() && purged < batchSize) {
            RefreshTokenRecord token = refresh.next();
            if (!token.expiresAt().isAfter(now)) {
                refresh.remove();
                emptied.add(token.familyId());
                purged++;
            }
        }
        touched += purged;
        for (String familyId : emptied) {
            if (refreshTokens.values().stream().noneMatch(token -> token.familyId().equals(familyId))) {
                families.remove(familyId);
            }
        }
        int dropped = 0;
        for (Map.Entry<TokenHash, RefreshTokenRecord> entry : refreshTokens.entrySet()) {
            RefreshTokenRecord token = entry.getValue();
            if (dropped < batchSize && token.sealedSuccessor() != null && !token.graceUntil().isAfter(now)) {
                entry.setValue(new RefreshTokenRecord(token.hash(), token.familyId(), token.clientId(), token.scope(),
                        token.resources(), token.issuedAt(), token.expiresAt(), token.accessExpiresAt(),
                        token.familyExpiresAt(), token.state(), token.rotatedAt(), token.successorHash(), null,
                        token.graceUntil()));
                dropped++;
            }
        }
        touched += dropped;
        touched += removeUpTo(changes.iterator(), change -> !change.expiresAt().isAfter(now), batchSize);
        return touched;
    }

    // KeyStore

    @Override
    public synchronized List<StoredKey> all() {
        return keys.values().stream()
                .sorted(Comparator.comparing(StoredKey::activatesAt).thenComparing(StoredKey::createdAt))
                .toList();
    }

    @Override
    public synchronized void insert(StoredKey key, Instant now) {
        requireAbsent(keys, key.kid());
        keys.put(key.kid(), key);
        append(Change.Kind.KEYS_CHANGED, "", now.plus(CHANGE_TTL));
    }

    // ChangeLog

    @Override
    public synchronized List<Change> since(long seq, int limit) {
        return changes.stream().filter(change -> change.seq() > seq).limit(limit).toList();
    }

    @Override
    public synchronized long latestSeq() {
        return nextSeq - 1;
    }

    @Override
    public synchronized List<Change> activeRevocations(Instant now) {
        return changes.stream()
                .filter(change -> change.kind() == Change.Kind.JTI_REVOKED || change.kind() == Change.Kind.FAMILY_REVOKED)
                .filter(change -> change.expiresAt().isAfter(now))
                .toList();
    }

    private void append(Change.Kind kind, String ref, Instant expiresAt) {
        changes.add(new Change(nextSeq++, kind, ref, expiresAt));
    }

    private static void requireAbsent(Map<?, ?> table, Object key) {
        if (table.containsKey(key)) {
            throw new StoreUnavailableException("duplicate key", null);
        }
    }

    private static <T> int removeUpTo(Iterator<T> rows, java.util.function.Predicate<T> expired, int limit) {
        int removed = 0;
        while (rows.hasNext() && removed < limit) {
            if (expired.test(rows.next())) {
                rows.remove();
                removed++;
            }
        }
        return removed;
    }

    private static TokenFamily revoked(TokenFamily family) {
        return new TokenFamily(family.familyId(), family.clientId(), family.createdAt(), family.expiresAt(), true);
    }

    private static RefreshTokenRecord revoked(RefreshTokenRecord token) {
        return token.state() == RefreshTokenRecord.State.REVOKED ? token
                : new RefreshTokenRecord(token.hash(), token.familyId(), token.clientId(), token.scope(),
                        token.resources(), token.issuedAt(), token.expiresAt(), token.accessExpiresAt(),
                        token.familyExpiresAt(), RefreshTokenRecord.State.REVOKED, token.rotatedAt(),
                        token.successorHash(), null, token.graceUntil());
    }

    private static OpaqueAccessTokenRecord revoked(OpaqueAccessTokenRecord token) {
        return new OpaqueAccessTokenRecord(token.hash(), token.clientId(), token.subject(), token.scope(),
                token.audience(), token.jti(), token.familyId(), token.issuedAt(), token.expiresAt(), true);
    }
}
