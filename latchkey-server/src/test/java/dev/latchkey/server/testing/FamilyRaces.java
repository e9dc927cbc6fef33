package dev.latchkey.server.testing;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Races a refresh against a revocation of the same refresh token family, many times, and counts
 * the survivors: tokens of a family that still work after a revocation (or a reuse detection) of
 * that family has answered. Once either has answered, no token of the family may work.
 *
 * <p>Each race: a fresh family, then two requests released together by a barrier, then checks of
 * whatever the refresh issued. Races run {@code parallel} at a time.
 */
public final class FamilyRaces {

    /** How a race revokes the family while a refresh is in flight. */
    public enum Revocation {
        /** RFC 7009: the client revokes the refresh token the refresh spends. */
        REVOKE,
        /** RFC 9700 §4.14.2: the client replays an already rotated token while its successor is refreshed. */
        REUSE
    }

    /** What came out of the races. */
    public record Result(int races, int refreshesThatWon, List<String> survivors) {
    }

    private FamilyRaces() {
    }

    /**
     * @param refreshOn where the refresh goes
     * @param revokeOn  where the revocation (or the replay) goes: the same node or another one
     */
    public static Result run(Endpoint refreshOn, Endpoint revokeOn, TestClient client, Revocation kind, int races,
            int parallel) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2 * parallel);
        List<String> survivors = new ArrayList<>();
        int won = 0;
        try {
            for (int done = 0; done < races; done += parallel) {
                List<Future<Outcome>> outcomes = new ArrayList<>();
                for (int i = 0; i < Math.min(parallel, races - done); i++) {
                    outcomes.add(pool.submit(() -> race(pool, refreshOn, revokeOn, client, kind)));
                }
                for (Future<Outcome> outcome : outcomes) {
                    Outcome result = outcome.get(60, TimeUnit.SECONDS);
                    won += result.refreshWon() ? 1 : 0;
                    survivors.addAll(result.survivors());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(races, won, survivors);
    }

    private record Outcome(boolean refreshWon, List<String> survivors) {
    }

    private static Outcome race(ExecutorService pool, Endpoint refreshOn, Endpoint revokeOn, TestClient client,
            Revocation kind) throws Exception {
        Map<String, Object> first = Http.json(token(refreshOn, client, Map.of("grant_type", "client_credentials")));
        String spent = (String) first.get("refresh_token");
        String raced = spent;
        if (kind == Revocation.REUSE) {
            raced = (String) Http.json(token(refreshOn, client,
                    Map.of("grant_type", "refresh_token", "refresh_token", spent))).get("refresh_token");
        }
        CyclicBarrier barrier = new CyclicBarrier(2);
        String toRefresh = raced;
        Future<HttpResponse<String>> refresh = pool.submit(() -> {
            barrier.await(30, TimeUnit.SECONDS);
            return token(refreshOn, client, Map.of("grant_type", "refresh_token", "refresh_token", toRefresh));
        });
        Future<HttpResponse<String>> revoke = pool.submit(() -> {
            barrier.await(30, TimeUnit.SECONDS);
            return kind == Revocation.REVOKE
                    ? Http.postForm(revokeOn.uri("/oauth2/revoke"), client.basicHeader(),
                            Map.of("token", spent, "token_type_hint", "refresh_token"))
                    : token(revokeOn, client, Map.of("grant_type", "refresh_token", "refresh_token", spent));
        });
        HttpResponse<String> refreshed = refresh.get(30, TimeUnit.SECONDS);
        HttpResponse<String> revoked = revoke.get(30, TimeUnit.SECONDS);
        int expectedRevocationStatus = kind == Revocation.REVOKE ? 200 : 400;
        if (revoked.statusCode() != expectedRevocationStatus) {
            throw new AssertionError("the revocation answered " + revoked.statusCode() + " " + revoked.body());
        }
        if (refreshed.statusCode() != 200) {
            return new Outcome(false, List.of());
        }
        // The refresh won its race: what it issued must now be as dead as the rest of the family.
        Map<String, Object> successor = Http.json(refreshed);
        List<String> survivors = new ArrayList<>();
        String refreshToken = (String) successor.get("refresh_token");
        String accessToken = (String) successor.get("access_token");
        for (Endpoint node : List.of(refreshOn, revokeOn)) {
            if (active(node, client, refreshToken)) {
                survivors.add("refresh token active on " + node.uri("/"));
            }
            if (active(node, client, accessToken)) {
                survivors.add("access token active on " + node.uri("/"));
            }
        }
        HttpResponse<String> next = token(refreshOn, client,
                Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
        if (next.statusCode() == 200) {
            survivors.add("successor refresh token still rotates");
        }
        return new Outcome(true, survivors);
    }

    private static boolean active(Endpoint node, TestClient client, String token) {
        HttpResponse<String> response = Http.postForm(node.uri("/oauth2/introspect"), client.basicHeader(),
                Map.of("token", token));
        if (response.statusCode() != 200) {
            throw new AssertionError("introspection answered " + response.statusCode() + " " + response.body());
        }
        return Boolean.TRUE.equals(Http.json(response).get("active"));
    }

    private static HttpResponse<String> token(Endpoint node, TestClient client, Map<String, String> form) {
        return Http.postForm(node.tokenEndpoint(), client.basicHeader(), form);
    }
}
