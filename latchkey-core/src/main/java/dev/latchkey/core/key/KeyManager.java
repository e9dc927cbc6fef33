package dev.latchkey.core.key;

import com.nimbusds.jose.jwk.JWK;
import dev.latchkey.core.store.KeyStore;
import dev.latchkey.core.store.record.StoredKey;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, rotates and loads signing keys; holds the current {@link KeyRing}.
 *
 * <p>Rotation publishes a new key at once and lets it sign only after {@code activationDelay}.
 * The JWKS is served with a {@code max-age} of at most half that delay, so a resource server that
 * caches the JWKS as told has the new key before the first token signed with it. Private keys are
 * sealed under the master key, bound to their kid.
 *
 * <p>Thread-safe: the ring is replaced whole on {@link #reload()}; readers see one snapshot.
 */
public final class KeyManager {

    private static final Logger LOG = LoggerFactory.getLogger(KeyManager.class);
    private static final Duration MAX_JWKS_MAX_AGE = Duration.ofMinutes(5);

    private final KeyStore store;
    private final MasterKey masterKey;
    private final Clock clock;
    private final Duration activationDelay;
    private final Duration maxTokenTtl;
    private final String purpose;
    private volatile KeyRing ring = new KeyRing(List.of());

    /** The keys that sign access tokens. */
    public KeyManager(KeyStore store, MasterKey masterKey, Clock clock, Duration activationDelay, Duration maxTokenTtl) {
        this(store, masterKey, clock, activationDelay, maxTokenTtl, StoredKey.ACCESS);
    }

    /** @param purpose which ring: {@link StoredKey#ACCESS} or {@link StoredKey#ID_TOKEN} */
    public KeyManager(KeyStore store, MasterKey masterKey, Clock clock, Duration activationDelay, Duration maxTokenTtl,
            String purpose) {
        if (activationDelay.compareTo(Duration.ofSeconds(2)) < 0) {
            throw new IllegalArgumentException("key activation delay must be at least 2 seconds");
        }
        this.store = store;
        this.masterKey = masterKey;
        this.clock = clock;
        this.activationDelay = activationDelay;
        this.maxTokenTtl = maxTokenTtl;
        this.purpose = purpose;
    }

    public KeyRing ring() {
        return ring;
    }

    public Duration maxTokenTtl() {
        return maxTokenTtl;
    }

    /** Half the activation delay, at most five minutes: the JWKS {@code Cache-Control: max-age}. */
    public Duration jwksMaxAge() {
        Duration half = activationDelay.dividedBy(2);
        return half.compareTo(MAX_JWKS_MAX_AGE) < 0 ? half : MAX_JWKS_MAX_AGE;
    }

    /** Reads every key from the store and replaces the ring. */
    public void reload() {
        List<KeyRing.Key> keys = new ArrayList<>();
        for (StoredKey stored : store.all()) {
            if (!stored.purpose().equals(purpose)) {
                continue;
            }
            SigningAlgorithm algorithm = SigningAlgorithm.fromName(stored.algorithm())
                    .orElseThrow(() -> new IllegalStateException("key " + stored.kid() + " has unknown algorithm"));
            byte[] privateJson = masterKey.open(stored.sealedPrivateJwk(), aad(stored.kid()));
            try {
                JWK privateJwk = JWK.parse(new String(privateJson, StandardCharsets.UTF_8));
                keys.add(KeyRing.key(privateJwk, algorithm, stored.createdAt(), stored.activatesAt(),
                        purpose.equals(StoredKey.ACCESS) ? KeyRing.AT_JWT : com.nimbusds.jose.JOSEObjectType.JWT));
            } catch (ParseException e) {
                throw new IllegalStateException("key " + stored.kid() + " is not a valid JWK", e);
            }
        }
        ring = new KeyRing(keys);
    }

    /**
     * Makes sure a key signs. On first start (no key at all) a key of {@code algorithm} is made and
     * signs at once, as nothing can have cached a JWKS yet. After that the signing algorithm is the
     * stored one, the newest key's: only {@link #rotate} changes it. A configured algorithm that
     * disagrees is warned about, never acted on (a restart without the flag used to undo
     * {@code keys rotate --signing-alg} by adding yet another key).
     */
    public void ensureSigningKey(SigningAlgorithm algorithm) {
        if (ring.all().isEmpty()) {
            reload(); // the caller may not have loaded the keys yet
        }
        Instant now = clock.instant();
        List<KeyRing.Key> keys = ring.all();
        if (keys.isEmpty()) {
            add(algorithm, Duration.ZERO);
            LOG.info("Created {} signing key; it signs from now", algorithm);
            return;
        }
        SigningAlgorithm stored = keys.get(keys.size() - 1).algorithm();
        if (ring.signingKey(now).isEmpty()) {
            // Every key is still pending (clock moved back?): one of the stored algorithm signs now.
            add(stored, Duration.ZERO);
            LOG.info("No key was active; created a {} key that signs from now", stored);
        }
        if (stored != algorithm) {
            LOG.warn("The configured signing algorithm {} differs from the stored one, {}: {} stays. Change it with"
                    + " `latchkey keys rotate --signing-alg {}`.", algorithm, stored, stored, algorithm);
        }
    }

    /** Adds a key that is published now and signs after the configured delay. */
    public StoredKey rotate(SigningAlgorithm algorithm) {
        return add(algorithm, activationDelay);
    }

    private StoredKey add(SigningAlgorithm algorithm, Duration delay) {
        JWK privateJwk = algorithm.generate();
        // Whole seconds, like token times: a key that activates "now" signs a token issued this second.
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        String kid = privateJwk.getKeyID();
        byte[] sealed = masterKey.seal(privateJwk.toJSONString().getBytes(StandardCharsets.UTF_8), aad(kid));
        StoredKey stored = new StoredKey(kid, algorithm.name(), privateJwk.toPublicJWK().toJSONString(), sealed,
                now, now.plus(delay), purpose);
        store.insert(stored, now);
        reload();
        return stored;
    }

    public Optional<KeyRing.Key> signingKey() {
        return ring.signingKey(clock.instant());
    }

    /**
     * The key of {@code algorithm} that signs now, made on first use: an id_token key is created
     * only when a client first asks for an id_token signed with its algorithm. It signs at once
     * (no one can hold a token signed by it yet); a relying party that meets its unknown kid fetches
     * the JWKS again (OIDC Core §10.1.1). Two nodes racing here each add a key; both are published
     * and either verifies. Each algorithm keeps its own staged rotation: the newest active key of
     * it signs.
     */
    public KeyRing.Key signingKey(SigningAlgorithm algorithm) {
        Instant now = clock.instant();
        Optional<KeyRing.Key> current = ring.signingKey(algorithm, now);
        if (current.isPresent()) {
            return current.get();
        }
        synchronized (this) {
            reload();
            current = ring.signingKey(algorithm, now);
            if (current.isPresent()) {
                return current.get();
            }
            add(algorithm, Duration.ZERO);
            LOG.info("Created {} {} signing key; it signs from now", algorithm, purpose);
            return ring.signingKey(algorithm, clock.instant()).orElseThrow();
        }
    }

    private static byte[] aad(String kid) {
        return ("latchkey-key:" + kid).getBytes(StandardCharsets.UTF_8);
    }
}
