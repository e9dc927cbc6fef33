package dev.latchkey.store.jdbc;

import dev.latchkey.core.store.Stores;

class PostgresStoreTest extends StoreContractTest {

    private PostgresDatabase database;

    @Override
    Stores open() {
        database = PostgresDatabase.create();
        return JdbcStores.open(database.url());
    }

    @Override
    void cleanUp() {
        if (database != null) {
            database.close();
        }
    }
}
