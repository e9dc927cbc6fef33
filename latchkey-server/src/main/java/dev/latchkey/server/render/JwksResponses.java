package dev.latchkey.server.render;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.latchkey.core.key.KeyRing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The JWK Set, RFC 7517 §5: the public keys that sign, will sign, or signed tokens still alive.
 * {@code Cache-Control: max-age} is half the key activation delay, so a cache that obeys it learns a
 * new key before that key signs anything.
 */
public final class JwksResponses {

    private JwksResponses() {
    }

    public static Reply reply(List<KeyRing.Key> published, Duration maxAge) {
        List<JWK> keys = published.stream().map(KeyRing.Key::publicJwk).toList();
        return new Reply(200, Map.of("Cache-Control", "public, max-age=" + maxAge.toSeconds(),
                "Content-Type", "application/jwk-set+json;charset=UTF-8"),
                new JWKSet(keys).toString(true).getBytes(StandardCharsets.UTF_8));
    }
}
