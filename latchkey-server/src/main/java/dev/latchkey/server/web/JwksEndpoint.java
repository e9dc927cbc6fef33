package dev.latchkey.server.web;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.latchkey.core.key.KeyManager;
import dev.latchkey.core.key.KeyRing;
import dev.latchkey.server.render.Json;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

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

    void handle(Context ctx) {
        List<JWK> published = keys.ring().published(clock.instant(), keys.maxTokenTtl()).stream()
                .map(KeyRing.Key::publicJwk)
                .toList();
        ctx.header("Cache-Control", "public, max-age=" + keys.jwksMaxAge().toSeconds());
        ctx.contentType("application/jwk-set+json;charset=UTF-8");
        Json.send(ctx, new JWKSet(published).toString(true).getBytes(StandardCharsets.UTF_8));
    }
}
