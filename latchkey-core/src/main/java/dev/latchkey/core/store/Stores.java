package dev.latchkey.core.store;

/** The stores a server runs on, opened together on one database. */
public interface Stores extends AutoCloseable {

    ClientStore clients();

    TokenStore tokens();

    KeyStore keys();

    ChangeLog changes();

    AccountStore accounts();

    CatalogueStore catalogue();

    AuditStore audit();

    UsageStore usage();

    AuthorizationStore authorizations();

    DeclarationStore declarations();

    /**
     * Asks the store to call {@code onChange} whenever another node (or process) may have appended
     * to the change log, and once after every reconnection. Stores that cannot push need not: the
     * change feed polls as well.
     */
    default void subscribe(Runnable onChange) {
    }

    /** True if the database answers now: the readiness check. */
    boolean isAvailable();

    @Override
    void close();
}
