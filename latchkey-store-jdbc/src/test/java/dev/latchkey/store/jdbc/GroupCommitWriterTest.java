package dev.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.store.StoreUnavailableException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A unit PostgreSQL aborted to break a deadlock (SQLSTATE 40P01), or for a serialization failure
 * (40001), ran in a transaction that was rolled back: it runs again instead of failing the request.
 */
class GroupCommitWriterTest {

    @TempDir
    Path dir;

    private GroupCommitWriter writer() {
        String url = "jdbc:sqlite:" + dir.resolve("w.db");
        return new GroupCommitWriter(Dialect.SQLITE, () -> {
            try {
                return DriverManager.getConnection(url);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, 1);
    }

    @Test
    void aUnitThatLostADeadlockRunsAgain() {
        try (GroupCommitWriter writer = writer()) {
            AtomicInteger runs = new AtomicInteger();
            String result = writer.submit((Connection c) -> {
                if (runs.incrementAndGet() <= 2) {
                    throw new SQLException("deadlock detected", "40P01");
                }
                return "applied";
            });
            assertThat(result).isEqualTo("applied");
            assertThat(runs).as("once in the batch, once alone and failed, once alone and applied").hasValue(3);
        }
    }

    @Test
    void aUnitThatKeepsConflictingFailsAfterItsAttempts() {
        try (GroupCommitWriter writer = writer()) {
            AtomicInteger runs = new AtomicInteger();
            assertThatThrownBy(() -> writer.submit((Connection c) -> {
                runs.incrementAndGet();
                throw new SQLException("could not serialize access", "40001");
            })).isInstanceOf(StoreUnavailableException.class);
            assertThat(runs).hasValue(1 + GroupCommitWriter.CONFLICT_ATTEMPTS);
        }
    }
}
