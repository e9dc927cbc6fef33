package dev.latchkey.store.jdbc;

import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.store.StoreUnavailableException;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Small conversions shared by the JDBC stores. */
final class JdbcSupport {

    private JdbcSupport() {
    }

    static StoreUnavailableException unavailable(SQLException e) {
        return new StoreUnavailableException("database error (SQLState " + e.getSQLState() + ")", e);
    }

    /**
     * Waits for a store thread's answer: its own unchecked failure as is, anything else (a
     * timeout, an interrupt) as {@link StoreUnavailableException} naming {@code what}.
     */
    static <T> T await(CompletableFuture<T> answer, long timeoutSeconds, String what) {
        try {
            return answer.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new StoreUnavailableException(what + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new StoreUnavailableException(what + " timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted during " + what, e);
        }
    }

    /** {@link #await}'s limit for a caller that does not wait: a late answer fails the future instead. */
    static <T> CompletableFuture<T> within(CompletableFuture<T> answer, long timeoutSeconds, String what) {
        return answer.orTimeout(timeoutSeconds, TimeUnit.SECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        e instanceof TimeoutException ? new StoreUnavailableException(what + " timed out", e) : e));
    }

    static Scope scope(String stored) {
        return Scope.parse(stored, OAuthError.SERVER_ERROR);
    }

    static List<String> words(String stored) {
        return stored.isEmpty() ? List.of() : Arrays.asList(stored.split(" "));
    }

    static List<URI> uris(String stored) {
        return words(stored).stream().map(URI::create).toList();
    }

    static String joinUris(List<URI> uris) {
        return String.join(" ", uris.stream().map(URI::toString).toList());
    }

    static Instant seconds(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochSecond(value);
    }

    static void setSeconds(PreparedStatement ps, int index, Instant instant) throws SQLException {
        if (instant == null) {
            ps.setNull(index, java.sql.Types.BIGINT);
        } else {
            ps.setLong(index, instant.getEpochSecond());
        }
    }
}
