package dev.latchkey.server.web;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.latchkey.core.key.KeyManager;
import dev.latchkey.core.key.KeyRing;
import dev.latchkey.server.render.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /oauth2/jwks}, RFC 7517 §5: the public keys that sign or will sign or have signed
 * tokens still alive. {@code Cache-Control: max-age} is half the key activation delay, so a cache
 * that obeys it learns a new key before that key signs anything.
 */
final class JwksEndpoint {

    private final KeyManager keys;
    private final Clock clock;

    JwksEndpoint(KeyManager keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    Reply handle(Router.Call call) {
        List<JWK> published = keys.ring().published(clock.instant(), keys.maxTokenTtl()).stream()
                .map(KeyRing.Key::publicJwk)
                .toList();
        return new Reply(200, Map.of("Cache-Control", "public, max-age=" + keys.jwksMaxAge().toSeconds(),
                        "Content-Type", "application/jwk-set+json;charset=UTF-8"),
                new JWKSet(published).toString(true).getBytes(StandardCharsets.UTF_8));
    }
}
