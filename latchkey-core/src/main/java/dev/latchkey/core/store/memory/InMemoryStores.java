package dev.latchkey.core.store.memory;

import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.AccountStore;
import dev.latchkey.core.store.AuditStore;
import dev.latchkey.core.store.CatalogueStore;
import dev.latchkey.core.store.ChangeLog;
import dev.latchkey.core.store.Cursor;
import dev.latchkey.core.store.Page;
import dev.latchkey.core.store.UsageStore;
import dev.latchkey.core.store.record.FamilySummary;
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
public final class InMemoryStores implements Stores, TokenStore, KeyStore, ChangeLog {

    private static final Duration CHANGE_TTL = Duration.ofDays(1);
    private static final long UNRECORDED_ACCESS_SECONDS = 365L * 24 * 3600;

    private final Map<TokenHash, OpaqueAccessTokenRecord> accessTokens = new HashMap<>();
    private final Map<TokenHash, RefreshTokenRecord> refreshTokens = new HashMap<>();
    private final Map<String, TokenFamily> families = new HashMap<>();
    private final Map<String, StoredKey> keys = new HashMap<>();
    private final List<Change> changes = new ArrayList<>();
    private long nextSeq = 1;
    private final MemoryAudit audit = new MemoryAudit(this);
    private final MemoryClients clients = new MemoryClients(this, audit);
    private final MemoryAccounts accounts = new MemoryAccounts(this, audit);
    private final MemoryCatalogue catalogue = new MemoryCatalogue(this, audit);
    private final MemoryUsage usage = new MemoryUsage(this, clients);
    private final MemoryAuthorizations authorizations = new MemoryAuthorizations(this);
    private final MemoryDeclarations declarations = new MemoryDeclarations();

    @Override
    public dev.latchkey.core.store.AuthorizationStore authorizations() {
        return authorizations;
    }

    @Override
    public dev.latchkey.core.store.DeclarationStore declarations() {
        return declarations;
    }

    @Override
    public ClientStore clients() {
        return clients;
    }

    @Override
    public AccountStore accounts() {
        return accounts;
    }

    @Override
    public CatalogueStore catalogue() {
        return catalogue;
    }

    @Override
    public AuditStore audit() {
        return audit;
    }

    @Override
    public UsageStore usage() {
        return usage;
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

    /** Client deletion (RFC 7592 §2.3): every family and token of the client is revoked. */
    synchronized void revokeEverythingOf(String clientId) {
        families.replaceAll((id, family) -> family.clientId().equals(clientId) ? revoked(family) : family);
        refreshTokens.replaceAll((hash, token) -> token.clientId().equals(clientId) ? revoked(token) : token);
        accessTokens.replaceAll((hash, token) -> token.clientId().equals(clientId) ? revoked(token) : token);
    }

    synchronized void clientChanged(String clientId, Instant now) {
        append(Change.Kind.CLIENT_CHANGED, clientId, now.plus(CHANGE_TTL));
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
        if (token != null) {
            requireAbsent(refreshTokens, token.hash());
        }
        if (accessToken != null) {
            requireAbsent(accessTokens, accessToken.hash());
            accessTokens.put(accessToken.hash(), accessToken);
        }
        families.put(family.familyId(), family);
        if (token != null) {
            refreshTokens.put(token.hash(), token);
        }
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
        refreshTokens.put(old.hash(), old.with(RefreshTokenRecord.State.ROTATED,
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
    public synchronized Optional<Instant> revokeFamily(String familyId, Instant rememberAtLeastUntil, AuditEvent event) {
        Optional<Instant> revoked = revokeFamily(familyId, rememberAtLeastUntil);
        revoked.ifPresent(until -> audit.appendIfAny(event));
        return revoked;
    }

    @Override
    public synchronized void revokeClientTokens(String clientId, Instant now, Instant rememberUntil, AuditEvent event) {
        revokeEverythingOf(clientId);
        append(Change.Kind.CLIENT_TOKENS_REVOKED, Change.clientTokensRef(clientId, now), rememberUntil);
        audit.appendIfAny(event);
    }

    @Override
    public synchronized Page<FamilySummary> families(String clientId, Instant now, Cursor after, int limit) {
        Map<String, Instant> lastUsed = new HashMap<>();
        for (RefreshTokenRecord token : refreshTokens.values()) {
            if (token.clientId().equals(clientId) && token.state() == RefreshTokenRecord.State.ACTIVE
                    && token.expiresAt().isAfter(now)) {
                lastUsed.merge(token.familyId(), token.issuedAt(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        List<FamilySummary> rows = families.values().stream()
                .filter(family -> !family.revoked() && lastUsed.containsKey(family.familyId()))
                .filter(family -> after == null || family.createdAt().getEpochSecond() < after.time()
                        || family.createdAt().getEpochSecond() == after.time() && family.familyId().compareTo(after.id()) < 0)
                .sorted(Comparator.comparing(TokenFamily::createdAt).thenComparing(TokenFamily::familyId).reversed())
                .limit(limit + 1L)
                .map(family -> new FamilySummary(family.familyId(), clientId, family.createdAt(),
                        lastUsed.get(family.familyId()), family.expiresAt()))
                .toList();
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<FamilySummary> page = rows.subList(0, limit);
        FamilySummary last = page.get(limit - 1);
        return new Page<>(page, new Cursor(last.createdAt().getEpochSecond(), last.familyId()).encode());
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
                entry.setValue(token.with(token.state(), token.rotatedAt(), token.successorHash(), null,
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
                .filter(change -> change.kind() == Change.Kind.JTI_REVOKED || change.kind() == Change.Kind.FAMILY_REVOKED
                        || change.kind() == Change.Kind.CLIENT_TOKENS_REVOKED)
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
        return family.revoke();
    }

    private static RefreshTokenRecord revoked(RefreshTokenRecord token) {
        return token.state() == RefreshTokenRecord.State.REVOKED ? token
                : token.with(RefreshTokenRecord.State.REVOKED, token.rotatedAt(), token.successorHash(), null,
                        token.graceUntil());
    }

    private static OpaqueAccessTokenRecord revoked(OpaqueAccessTokenRecord token) {
        return token.asRevoked();
    }

    @Override
    public synchronized int deleteAll(Instant now) {
        int deleted = keys.size();
        keys.clear();
        return deleted;
    }

    @Override
    public synchronized boolean redeem(dev.latchkey.core.store.record.Redemption redemption) {
        boolean spent = redemption.kind() == dev.latchkey.core.store.record.Redemption.Kind.AUTHORIZATION_CODE
                ? authorizations.redeem(redemption.grant(), redemption.now(), redemption.family().familyId())
                : authorizations.redeemDevice(redemption.grant(), redemption.family().familyId());
        if (spent) {
            saveRefreshToken(redemption.family(), redemption.token(), redemption.access());
        }
        return spent;
    }

    @Override
    public synchronized Map<String, UserGrant> userGrants(String subject) {
        Map<String, UserGrant> grants = new java.util.TreeMap<>();
        for (TokenFamily family : families.values()) {
            if (family.revoked() || !subject.equals(family.subject())) {
                continue;
            }
            Instant last = family.createdAt();
            for (RefreshTokenRecord token : refreshTokens.values()) {
                if (token.familyId().equals(family.familyId()) && token.issuedAt().isAfter(last)) {
                    last = token.issuedAt();
                }
            }
            UserGrant before = grants.get(family.clientId());
            List<String> ids = new ArrayList<>(before == null ? List.of() : before.familyIds());
            ids.add(family.familyId());
            Instant latest = before == null || last.isAfter(before.lastUsedAt()) ? last : before.lastUsedAt();
            grants.put(family.clientId(), new UserGrant(ids, latest));
        }
        return grants;
    }
}
