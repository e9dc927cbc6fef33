package dev.latchkey.store.jdbc;

import dev.latchkey.core.store.Stores;
import dev.latchkey.core.store.memory.InMemoryStores;

/** The store contract, kept by the in-memory stores the decision and pipeline tests run on. */
class InMemoryStoreTest extends StoreContractTest {

    @Override
    Stores open() {
        return new InMemoryStores();
    }

    @Override
    void cleanUp() {
        // nothing survives the stores
    }
}
