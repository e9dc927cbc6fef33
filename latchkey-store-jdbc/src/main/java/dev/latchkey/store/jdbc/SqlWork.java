package dev.latchkey.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of database work on one connection; the {@link Transactor} decides the transaction around it. */
@FunctionalInterface
interface SqlWork<T> {

    T run(Connection connection) throws SQLException;
}
