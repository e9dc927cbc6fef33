package dev.latchkey.store.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A connection that keeps its prepared statements open between units and transactions (the
 * writer threads' connections, and SQLite's readers: {@link KeptStatementsDataSource}): {@code prepareStatement(sql)} hands back the statement prepared for that SQL text
 * the first time, and closing it (the stores' try-with-resources) only clears its parameters.
 * Closing the connection closes them all.
 *
 * <p>Why: the stores prepare each statement where they run it, and SQLite compiles a statement on
 * every prepare, while the writer runs the same few inserts and updates all day (BENCHMARKS.md,
 * "Statement cache"; {@code StatementCacheTest} checks the behaviour). The stores stay written in
 * plain JDBC; the one thing they know of the cache is {@link #insert}, for rows whose count nobody
 * reads.
 *
 * <p>Batched statements: a unit that calls {@code addBatch()} instead of {@code executeUpdate()}
 * (inserts whose count nobody reads) leaves its row queued on the statement, so the inserts of a
 * whole group commit go to the database together ({@link #flush}, which the writer calls before it
 * commits; PostgreSQL, with {@code reWriteBatchedInserts}, makes them one multi-row insert: one round
 * trip per batch instead of one per token). Program order is kept: before any other statement of
 * this connection runs, the queued rows are sent first. A rollback drops them.
 *
 * <p>Not thread-safe, like the connection it wraps: one per writer thread, or one borrower at a time.
 */
final class StatementCache implements InvocationHandler {

    private final Connection connection;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();
    private final Map<String, PreparedStatement> handedOut = new HashMap<>();
    // Statements with rows queued by addBatch(), in the order their first row was queued.
    private final Set<PreparedStatement> queued = new LinkedHashSet<>();

    private StatementCache(Connection connection) {
        this.connection = connection;
    }

    static Connection wrap(Connection connection) {
        return (Connection) Proxy.newProxyInstance(StatementCache.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new StatementCache(connection));
    }

    /**
     * Sends the rows queued by {@code addBatch()} on this writer connection, in order, and returns
     * how many were sent. A failure here is the failure of the units that queued them.
     */
    static int flush(Connection connection) throws SQLException {
        StatementCache cache = of(connection);
        return cache == null ? 0 : cache.flushQueued();
    }

    /**
     * Runs an insert whose count nobody reads: on a writer connection its row is queued with the
     * rest of the group commit ({@code addBatch()}, sent by {@link #flush}), on any other at once.
     */
    static void insert(Connection connection, PreparedStatement insert) throws SQLException {
        if (of(connection) != null) {
            insert.addBatch();
        } else {
            insert.executeUpdate();
        }
    }

    /** Drops the rows queued by {@code addBatch()} on this writer connection: they are rolled back. */
    static void drop(Connection connection) throws SQLException {
        StatementCache cache = of(connection);
        if (cache != null) {
            cache.dropQueued();
        }
    }

    /** The cache behind a writer connection, or null for any other connection. */
    private static StatementCache of(Connection connection) {
        return Proxy.isProxyClass(connection.getClass())
                && Proxy.getInvocationHandler(connection) instanceof StatementCache cache ? cache : null;
    }

    private int flushQueued() throws SQLException {
        if (queued.isEmpty()) {
            return 0;
        }
        List<PreparedStatement> statements = new ArrayList<>(queued);
        queued.clear();
        int rows = 0;
        for (int i = 0; i < statements.size(); i++) {
            try {
                rows += statements.get(i).executeBatch().length;
            } catch (SQLException e) {
                for (PreparedStatement rest : statements.subList(i, statements.size())) {
                    rest.clearBatch();
                }
                throw e;
            }
        }
        return rows;
    }

    private void dropQueued() throws SQLException {
        for (PreparedStatement statement : queued) {
            statement.clearBatch();
        }
        queued.clear();
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (name.equals("prepareStatement") && args != null && args.length == 1) {
            return prepare((String) args[0]);
        }
        switch (name) {
            case "close" -> closeStatements();
            case "rollback" -> dropQueued();
            case "commit", "createStatement", "prepareCall", "setAutoCommit" -> flushQueued();
            default -> { }
        }
        return call(connection, method, args);
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement statement = handedOut.get(sql);
        if (statement == null) {
            PreparedStatement real = connection.prepareStatement(sql);
            statement = (PreparedStatement) Proxy.newProxyInstance(StatementCache.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, (p, method, args) -> kept(real, method, args));
            prepared.put(sql, real);
            handedOut.put(sql, statement);
        }
        return statement;
    }

    /**
     * A kept statement: close() leaves it open, with no parameters bound; addBatch() queues its row
     * until {@link #flush}; running it (or any statement) first sends whatever rows are queued.
     */
    private Object kept(PreparedStatement statement, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (name.equals("close")) {
            statement.clearParameters();
            return null;
        }
        if (name.equals("addBatch") && (args == null || args.length == 0)) {
            statement.addBatch();
            queued.add(statement);
            return null;
        }
        if (name.startsWith("execute")) {
            flushQueued();
        }
        return call(statement, method, args);
    }

    private void closeStatements() {
        for (PreparedStatement statement : prepared.values()) {
            try {
                statement.close();
            } catch (SQLException e) {
                // the connection is being closed anyway, which frees what is left
            }
        }
        prepared.clear();
        handedOut.clear();
        queued.clear(); // rows not sent when the connection closes are not written, as on any connection
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
