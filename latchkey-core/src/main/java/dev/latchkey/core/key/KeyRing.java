package dev.latchkey.core.key;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An immutable snapshot of the signing keys, ordered by when each starts to sign.
 *
 * <p>Lifecycle of a key, derived from the order and never stored: <em>pending</em> (published,
 * not yet signing) until its {@code activatesAt}; <em>signing</em> until the next key activates;
 * then <em>retired</em>, still published for {@code maxTokenTtl} so that every token it signed
 * can be verified until it expires; then dropped from the JWKS. Thread-safe.
 */
public final class KeyRing {

    /** RFC 9068 §2.1: access token JWTs carry {@code typ: at+jwt}. */
    public static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    /** A usable key: its public JWK, its signer, its verifier and the JWS header it signs under. */
    public record Key(JWK publicJwk, SigningAlgorithm algorithm, JWSSigner signer, JWSVerifier verifier,
            JWSHeader header, Instant createdAt, Instant activatesAt) {

        public String kid() {
            return publicJwk.getKeyID();
        }

        @Override
        public String toString() {
            return "Key[kid=" + kid() + ", alg=" + algorithm + ", activatesAt=" + activatesAt + "]";
        }
    }

    /**
     * A key as an operator sees it: {@code next} (published, not signing yet), {@code current}
     * (signing), {@code retired} (superseded; {@code published} while tokens it signed may live).
     */
    public record KeyState(String kid, SigningAlgorithm algorithm, String status, Instant createdAt,
            Instant activatesAt, boolean published) {
    }

    private final List<Key> keys;
    private final Map<String, Key> byKid;

    public KeyRing(List<Key> keys) {
        this.keys = keys.stream()
                .sorted(Comparator.comparing(Key::activatesAt).thenComparing(Key::createdAt))
                .toList();
        this.byKid = this.keys.stream().collect(Collectors.toMap(Key::kid, Function.identity(), (a, b) -> a));
    }

    public static Key key(JWK privateJwk, SigningAlgorithm algorithm, Instant createdAt, Instant activatesAt) {
        return key(privateJwk, algorithm, createdAt, activatesAt, AT_JWT);
    }

    /** @param type the JWS {@code typ}: {@code at+jwt} for access tokens (RFC 9068 §2.1), {@code JWT} for id_tokens */
    public static Key key(JWK privateJwk, SigningAlgorithm algorithm, Instant createdAt, Instant activatesAt,
            JOSEObjectType type) {
        JWK publicJwk = privateJwk.toPublicJWK();
        JWSHeader header = new JWSHeader.Builder(algorithm.jws()).type(type).keyID(publicJwk.getKeyID()).build();
        return new Key(publicJwk, algorithm, algorithm.signer(privateJwk), algorithm.verifier(publicJwk), header,
                createdAt, activatesAt);
    }

    public List<Key> all() {
        return keys;
    }

    /** The key that signs at {@code now}: the last one whose activation has come. */
    public Optional<Key> signingKey(Instant now) {
        Key current = null;
        for (Key key : keys) {
            if (key.activatesAt().isAfter(now)) {
                break;
            }
            current = key;
        }
        return Optional.ofNullable(current);
    }

    /** The newest key of {@code algorithm} that signs at {@code now}. */
    public Optional<Key> signingKey(SigningAlgorithm algorithm, Instant now) {
        Key current = null;
        for (Key key : keys) {
            if (key.activatesAt().isAfter(now)) {
                break;
            }
            if (key.algorithm() == algorithm) {
                current = key;
            }
        }
        return Optional.ofNullable(current);
    }

    /** Every key and its state at {@code now}, newest first. */
    public List<KeyState> states(Instant now, Duration maxTokenTtl) {
        Optional<Key> signing = signingKey(now);
        List<KeyState> states = new ArrayList<>();
        for (int i = keys.size() - 1; i >= 0; i--) {
            Key key = keys.get(i);
            String status = key.activatesAt().isAfter(now) ? "next"
                    : signing.isPresent() && signing.get() == key ? "current" : "retired";
            states.add(new KeyState(key.kid(), key.algorithm(), status, key.createdAt(), key.activatesAt(),
                    isPublished(i, now, maxTokenTtl)));
        }
        return states;
    }

    /** The keys a JWKS must show at {@code now}: pending, signing, and retired ones still needed. */
    public List<Key> published(Instant now, Duration maxTokenTtl) {
        List<Key> shown = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (isPublished(i, now, maxTokenTtl)) {
                shown.add(keys.get(i));
            }
        }
        return shown;
    }

    /**
     * The same, for a ring whose algorithms rotate each on its own (the id_token ring: each client
     * picks its algorithm, so a key of one is never superseded by a key of another).
     */
    public List<Key> publishedPerAlgorithm(Instant now, Duration maxTokenTtl) {
        List<Key> shown = new ArrayList<>();
        for (SigningAlgorithm algorithm : SigningAlgorithm.values()) {
            List<Key> ofAlgorithm = keys.stream().filter(key -> key.algorithm() == algorithm).toList();
            shown.addAll(new KeyRing(ofAlgorithm).published(now, maxTokenTtl));
        }
        return shown;
    }

    // Published unless superseded (the next key has activated) longer than the longest token life ago.
    private boolean isPublished(int index, Instant now, Duration maxTokenTtl) {
        boolean superseded = index + 1 < keys.size() && !keys.get(index + 1).activatesAt().isAfter(now);
        return !superseded || keys.get(index + 1).activatesAt().plus(maxTokenTtl).isAfter(now);
    }

    /** A key that may verify a token at {@code now}: known and still published. */
    public Optional<Key> verificationKey(String kid, Instant now, Duration maxTokenTtl) {
        Key key = kid == null ? null : byKid.get(kid);
        if (key == null || !isPublished(keys.indexOf(key), now, maxTokenTtl)) {
            return Optional.empty();
        }
        return Optional.of(key);
    }
}
