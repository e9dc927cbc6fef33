package dev.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's statement cache, on a real SQLite file in WAL mode as the writer opens it. */
class StatementCacheTest {

    private static final String INSERT = "INSERT INTO t (k, v) VALUES (?, ?)";

    @TempDir
    Path dir;

    private String url;

    @BeforeEach
    void createTable() throws SQLException {
        url = "jdbc:sqlite:" + dir.resolve("cache.db");
        try (Connection c = DriverManager.getConnection(url, JdbcTransactor.sqliteProperties());
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (k TEXT NOT NULL PRIMARY KEY, v TEXT NOT NULL)");
        }
    }

    private Connection open() throws SQLException {
        return StatementCache.wrap(DriverManager.getConnection(url, JdbcTransactor.sqliteProperties()));
    }

    @Test
    void theSameSqlGetsTheSameStatementStillOpenAfterTheCallerClosedIt() throws SQLException {
        try (Connection c = open()) {
            PreparedStatement first;
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                first = ps;
                insert(ps, "a", "1");
            }
            assertThat(first.isClosed()).isFalse();
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                assertThat(ps).isSameAs(first);
                insert(ps, "b", "2");
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT v FROM t WHERE k = ?")) {
                assertThat(ps).isNotSameAs(first);
                ps.setString(1, "b");
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("2");
                }
            }
            assertThat(count(c)).isEqualTo(2);
        }
    }

    @Test
    void closingTheCallersStatementClearsItsParameters() throws SQLException {
        try (Connection c = open()) {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                insert(ps, "a", "1");
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                // Nothing bound: the NULLs violate NOT NULL instead of re-inserting the last values.
                assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLException.class);
            }
            assertThat(count(c)).isEqualTo(1);
        }
    }

    @Test
    void aStatementThatFailedRunsAgainWithNewValues() throws SQLException {
        try (Connection c = open()) {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                insert(ps, "a", "1");
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                assertThatThrownBy(() -> insert(ps, "a", "again")).isInstanceOf(SQLException.class);
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                insert(ps, "b", "2");
            }
            assertThat(count(c)).isEqualTo(2);
        }
    }

    @Test
    void keptStatementsAcrossTransactionsCommitAndRollBackLikeFreshOnes() throws SQLException {
        try (Connection c = open()) {
            for (String k : new String[] {"a", "b"}) {
                execute(c, "BEGIN IMMEDIATE");
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    insert(ps, k, k);
                }
                execute(c, k.equals("a") ? "COMMIT" : "ROLLBACK");
            }
            assertThat(count(c)).isEqualTo(1);
        }
        // What was committed through the kept statement is in the file for another connection.
        try (Connection other = DriverManager.getConnection(url)) {
            assertThat(count(other)).isEqualTo(1);
        }
    }

    @Test
    void closingTheConnectionClosesTheKeptStatements() throws SQLException {
        PreparedStatement kept;
        Connection c = open();
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            kept = ps;
        }
        c.close();
        assertThat(c.isClosed()).isTrue();
        assertThat(kept.isClosed()).isTrue();
    }

    @Test
    void queuedInsertsReachTheDatabaseOnFlushInOrderBeforeAnyOtherStatement() throws SQLException {
        try (Connection c = open()) {
            for (String k : new String[] {"a", "b"}) {
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    queue(c, ps, k, k);
                }
            }
            try (Connection other = DriverManager.getConnection(url)) {
                assertThat(count(other)).as("queued, not sent").isZero();
            }
            StatementCache.flush(c);
            try (Connection other = DriverManager.getConnection(url)) {
                assertThat(count(other)).isEqualTo(2);
            }

            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                queue(c, ps, "c", "c");
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT v FROM t WHERE k = ?")) {
                ps.setString(1, "c");
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).as("a later statement sees the row queued before it").isTrue();
                }
            }
        }
    }

    @Test
    void aRollbackDropsQueuedInsertsAndAFailedFlushLeavesNothingQueued() throws SQLException {
        try (Connection c = open()) {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                queue(c, ps, "a", "1");
            }
            StatementCache.drop(c);
            StatementCache.flush(c);
            assertThat(count(c)).isZero();

            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                queue(c, ps, "b", "1");
                queue(c, ps, "b", "again"); // the primary key again
            }
            assertThatThrownBy(() -> StatementCache.flush(c)).isInstanceOf(SQLException.class);
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                queue(c, ps, "d", "1");
            }
            StatementCache.flush(c);
            assertThat(count(c)).as("b (sent before the failure, autocommit) and d, nothing of the failed row")
                    .isEqualTo(2);
        }
    }

    @Test
    void onAConnectionWithoutTheCacheAnInsertRunsAtOnce() throws SQLException {
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(INSERT)) {
            queue(c, ps, "a", "1");
            assertThat(count(c)).isEqualTo(1);
        }
    }

    private static void queue(Connection c, PreparedStatement ps, String k, String v) throws SQLException {
        ps.setString(1, k);
        ps.setString(2, v);
        StatementCache.insert(c, ps);
    }

    private static void insert(PreparedStatement ps, String k, String v) throws SQLException {
        ps.setString(1, k);
        ps.setString(2, v);
        assertThat(ps.executeUpdate()).isEqualTo(1);
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static int count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
