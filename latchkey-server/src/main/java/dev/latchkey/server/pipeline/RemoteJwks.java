package dev.latchkey.server.pipeline;

import com.nimbusds.jose.jwk.JWKSet;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.error.OAuthException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JWK Sets published at a URL (a client's {@code jwks_uri}, a trusted issuer's), fetched with a
 * 5-second timeout and a 64 KiB limit, kept as long as their {@code Cache-Control: max-age} says (5
 * minutes without one, a day at most), and fetched again early only for a key id not held, at most
 * once every 30 seconds per owner, so JWTs with made-up key ids cannot make Latchkey fetch without
 * end. A failed fetch keeps what worked before. Waits for the network: call {@link #keys} on the
 * store workers. Thread-safe.
 */
final class RemoteJwks {

    static final int MAX_BYTES = 64 * 1024;
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);
    static final Duration LONGEST_MAX_AGE = Duration.ofDays(1);
    static final Duration REFETCH_AFTER = Duration.ofSeconds(30);
    private static final Pattern MAX_AGE = Pattern.compile("max-age\\s*=\\s*(\\d+)");

    private record Fetched(JWKSet keys, Instant at, Instant freshUntil) {
    }

    private final Map<String, Fetched> byOwner = new ConcurrentHashMap<>();
    /** One lock per owner: a slow URL holds up its own owner's requests, no one else's. */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final OAuthError failure;
    private final String what;
    private final UnaryOperator<JWKSet> accept;

    /**
     * @param failure the error a failed first fetch answers with
     * @param what    the URL's name in that error's description ("the client's jwks_uri")
     * @param accept  checks a fetched set and returns the keys to use, or throws an {@link OAuthException}
     */
    RemoteJwks(OAuthError failure, String what, UnaryOperator<JWKSet> accept) {
        this.failure = failure;
        this.what = what;
        this.accept = accept;
    }

    /** {@code owner}'s keys at {@code uri}, fetched or refetched if needed for {@code kid} (null: any). */
    JWKSet keys(String owner, URI uri, String kid, Instant now) {
        String key = owner + " " + uri;
        Fetched fetched = byOwner.get(key);
        boolean stale = fetched == null || now.isAfter(fetched.freshUntil());
        boolean unknownKid = fetched != null && kid != null && fetched.keys().getKeyByKeyId(kid) == null;
        boolean mayFetch = fetched == null || !now.isBefore(fetched.at().plus(REFETCH_AFTER));
        if ((stale || unknownKid) && mayFetch) {
            synchronized (locks.computeIfAbsent(key, k -> new Object())) {
                Fetched again = byOwner.get(key);
                if (again == fetched) {
                    try {
                        fetched = fetch(uri, now);
                        byOwner.put(key, fetched);
                    } catch (RuntimeException e) {
                        // Keep what worked before, and try again no sooner than REFETCH_AFTER.
                        if (fetched == null) {
                            byOwner.put(key, new Fetched(new JWKSet(), now, now));
                            throw e;
                        }
                        byOwner.put(key, new Fetched(fetched.keys(), now, fetched.freshUntil()));
                    }
                } else {
                    fetched = again;
                }
            }
        }
        return fetched.keys();
    }

    /** The keys if they are at hand without a fetch (fetched, fresh, holding {@code kid}), else null. */
    JWKSet keysAtHand(String owner, URI uri, String kid, Instant now) {
        Fetched fetched = byOwner.get(owner + " " + uri);
        return fetched != null && !now.isAfter(fetched.freshUntil())
                && (kid == null || fetched.keys().getKeyByKeyId(kid) != null) ? fetched.keys() : null;
    }

    private Fetched fetch(URI uri, Instant now) {
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_BYTES + 1);
            }
            if (response.statusCode() != 200 || body.length > MAX_BYTES) {
                throw failure.toException(what + " did not answer a JWK Set");
            }
            JWKSet keys = accept.apply(JWKSet.parse(new String(body, StandardCharsets.UTF_8)));
            Duration maxAge = DEFAULT_MAX_AGE;
            Matcher matcher = MAX_AGE.matcher(response.headers().firstValue("Cache-Control").orElse(""));
            if (matcher.find()) {
                long seconds = Math.min(Long.parseLong(matcher.group(1).length() > 9 ? "999999999" : matcher.group(1)),
                        LONGEST_MAX_AGE.toSeconds());
                maxAge = Duration.ofSeconds(seconds);
            }
            return new Fetched(keys, now, now.plus(maxAge));
        } catch (IOException | java.text.ParseException e) {
            throw failure.toException(what + " did not answer a JWK Set");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure.toException(what + " did not answer in time");
        }
    }
}
