package dev.latchkey.core.store.memory;

import dev.latchkey.core.store.DeclarationStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** The declarations in memory, ordered by kind and name as the JDBC store reads them. */
final class MemoryDeclarations implements DeclarationStore {

    private final Map<String, Declared> byKey = new ConcurrentSkipListMap<>();

    private static String key(String kind, String name) {
        return kind + '\u0000' + name;
    }

    @Override
    public List<Declared> all() {
        return new ArrayList<>(byKey.values());
    }

    @Override
    public void put(Declared declared) {
        byKey.put(key(declared.kind(), declared.name()), declared);
    }

    @Override
    public boolean remove(String kind, String name) {
        return byKey.remove(key(kind, name)) != null;
    }
}
