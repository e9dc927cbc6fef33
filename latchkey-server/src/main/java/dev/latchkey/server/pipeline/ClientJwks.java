package dev.latchkey.server.pipeline;

import com.nimbusds.jose.jwk.JWKSet;
import dev.latchkey.core.client.ClientKeys;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The public keys a {@code private_key_jwt} client signs with: its inline {@code jwks}, or the set at
 * its {@code jwks_uri}, fetched with a 5-second timeout and a 64 KiB limit, kept as long as its
 * {@code Cache-Control: max-age} says (5 minutes without one, a day at most), and fetched again
 * early only for a key id it does not hold, at most once every 30 seconds per client, so assertions
 * with made-up key ids cannot make Latchkey fetch without end. Waits for the network: call it on the
 * store workers. Thread-safe.
 */
final class ClientJwks {

    static final int MAX_BYTES = 64 * 1024;
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);
    static final Duration LONGEST_MAX_AGE = Duration.ofDays(1);
    static final Duration REFETCH_AFTER = Duration.ofSeconds(30);
    private static final Pattern MAX_AGE = Pattern.compile("max-age\\s*=\\s*(\\d+)");

    private record Fetched(JWKSet keys, Instant at, Instant freshUntil) {
    }

    private record Inline(String jwks, JWKSet keys) {
    }

    private final Map<String, Fetched> byClient = new ConcurrentHashMap<>();
    /** Inline sets, parsed once per client and kept while the registered text is the same. */
    private final Map<String, Inline> inline = new ConcurrentHashMap<>();
    /** One lock per client: a slow jwks_uri holds up its own client's requests, no one else's. */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** The client's keys, fetched or refetched if needed for {@code kid} (null: any). */
    JWKSet keys(RegisteredClient client, String kid, Instant now) {
        ClientKeys registered = client.metadata().keys();
        if (registered.jwks() != null) {
            return inline(client, registered);
        }
        if (registered.jwksUri() == null) {
            throw OAuthError.INVALID_CLIENT.toException("the client registered no keys");
        }
        String key = client.clientId() + " " + registered.jwksUri();
        Fetched fetched = byClient.get(key);
        boolean stale = fetched == null || now.isAfter(fetched.freshUntil());
        boolean unknownKid = fetched != null && kid != null && fetched.keys().getKeyByKeyId(kid) == null;
        boolean mayFetch = fetched == null || !now.isBefore(fetched.at().plus(REFETCH_AFTER));
        if ((stale || unknownKid) && mayFetch) {
            synchronized (locks.computeIfAbsent(key, k -> new Object())) {
                Fetched again = byClient.get(key);
                if (again == fetched) {
                    try {
                        fetched = fetch(registered.jwksUri(), now);
                        byClient.put(key, fetched);
                    } catch (RuntimeException e) {
                        // Keep what worked before, and try again no sooner than REFETCH_AFTER.
                        if (fetched == null) {
                            byClient.put(key, new Fetched(new JWKSet(), now, now));
                            throw e;
                        }
                        byClient.put(key, new Fetched(fetched.keys(), now, fetched.freshUntil()));
                    }
                } else {
                    fetched = again;
                }
            }
        }
        return fetched.keys();
    }

    /**
     * The client's keys if they are at hand without a fetch (inline, or fetched and fresh, holding
     * {@code kid}), else null: then {@link #keys} must be called on the store workers.
     */
    JWKSet keysAtHand(RegisteredClient client, String kid, Instant now) {
        ClientKeys registered = client.metadata().keys();
        if (registered.jwks() != null) {
            return inline(client, registered);
        }
        Fetched fetched = registered.jwksUri() == null ? null
                : byClient.get(client.clientId() + " " + registered.jwksUri());
        return fetched != null && !now.isAfter(fetched.freshUntil())
                && (kid == null || fetched.keys().getKeyByKeyId(kid) != null) ? fetched.keys() : null;
    }

    private JWKSet inline(RegisteredClient client, ClientKeys registered) {
        Inline known = inline.get(client.clientId());
        if (known == null || !known.jwks().equals(registered.jwks())) {
            if (inline.size() >= 100_000) {
                inline.clear(); // bounded: more clients than that only parse their keys again
            }
            known = new Inline(registered.jwks(), registered.jwkSet());
            inline.put(client.clientId(), known);
        }
        return known.keys();
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
                throw OAuthError.INVALID_CLIENT.toException("the client's jwks_uri did not answer a JWK Set");
            }
            JWKSet keys = JWKSet.parse(new String(body, StandardCharsets.UTF_8));
            ClientKeys.check(keys);
            Duration maxAge = DEFAULT_MAX_AGE;
            Matcher matcher = MAX_AGE.matcher(response.headers().firstValue("Cache-Control").orElse(""));
            if (matcher.find()) {
                long seconds = Math.min(Long.parseLong(matcher.group(1).length() > 9 ? "999999999" : matcher.group(1)),
                        LONGEST_MAX_AGE.toSeconds());
                maxAge = Duration.ofSeconds(seconds);
            }
            return new Fetched(keys, now, now.plus(maxAge));
        } catch (IOException | java.text.ParseException e) {
            throw OAuthError.INVALID_CLIENT.toException("the client's jwks_uri did not answer a JWK Set");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OAuthError.INVALID_CLIENT.toException("the client's jwks_uri did not answer in time");
        } catch (dev.latchkey.core.error.OAuthException e) {
            if (e.error() == OAuthError.INVALID_CLIENT_METADATA) {
                throw OAuthError.INVALID_CLIENT.toException("the client's jwks_uri holds keys Latchkey does not accept");
            }
            throw e;
        }
    }
}
