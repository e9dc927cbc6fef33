package dev.latchkey.core.store;

/** The stores a server runs on, opened together on one database. */
public interface Stores extends AutoCloseable {

    ClientStore clients();

    TokenStore tokens();

    KeyStore keys();

    ChangeLog changes();

    /** True if the database answers now: the readiness check. */
    boolean isAvailable();

    @Override
    void close();
}
