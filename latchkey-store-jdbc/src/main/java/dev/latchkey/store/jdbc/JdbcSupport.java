package dev.latchkey.store.jdbc;

import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.scope.Scope;
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
        return new StoreUnavailableException("database error: " + cause(e), e);
    }

    /**
     * True if the failure is the store's, not the statement's: it cannot write at all (full, read-only,
     * I/O error, corrupt, out of resources), as opposed to a constraint a unit broke.
     */
    static boolean isStoreFailure(SQLException e) {
        if (e instanceof org.sqlite.SQLiteException sqlite) {
            int primary = sqlite.getResultCode().code & 0xFF;
            return primary == 13 || primary == 8 || primary == 10 || primary == 11 || primary == 26 || primary == 14;
        }
        String state = e.getSQLState();
        return state != null && (state.startsWith("53") || state.startsWith("58") || state.startsWith("XX")
                || state.equals("25006"));
    }

    /**
     * What went wrong, in words an operator acts on: disk full, read-only, corrupt, unreachable...
     * Never the driver's whole message, which may quote the values of a statement.
     */
    static String cause(SQLException e) {
        if (e instanceof org.sqlite.SQLiteException sqlite) {
            org.sqlite.SQLiteErrorCode code = sqlite.getResultCode();
            String words = switch (code.code & 0xFF) {
                case 13 -> "the disk or the database is full";                  // SQLITE_FULL
                case 8 -> "the database file is read-only";                      // SQLITE_READONLY
                case 11, 26 -> "the database file is corrupt or not a database"; // SQLITE_CORRUPT, SQLITE_NOTADB
                case 10 -> "disk I/O error";                                     // SQLITE_IOERR
                case 5, 6 -> "the database is locked by another process";        // SQLITE_BUSY, SQLITE_LOCKED
                case 14 -> "the database file cannot be opened";                 // SQLITE_CANTOPEN
                case 23 -> "access to the database file was denied";             // SQLITE_AUTH
                default -> "SQLite error";
            };
            return words + " (" + code.name() + ")";
        }
        String state = e.getSQLState();
        if (state == null) {
            return "no SQLState";
        }
        String words = state.startsWith("08") ? "cannot reach the database"
                : state.startsWith("28") ? "authentication with the database failed"
                : state.startsWith("53") ? "the database is out of resources (disk, memory or connections)"
                : state.equals("57014") ? "the database did not answer in time (statement timeout)"
                : state.startsWith("57P") ? "the database is shutting down or restarting"
                : state.equals("25006") ? "the database is read-only"
                : state.startsWith("40") ? "a transaction conflict (deadlock or serialization failure)"
                : state.startsWith("XX") ? "an internal database error" : "a database error";
        return words + " (SQLState " + state + ")";
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

    static Instant seconds(ResultSet rs, int column) throws SQLException {
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
