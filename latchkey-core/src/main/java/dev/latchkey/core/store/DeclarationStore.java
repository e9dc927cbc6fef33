package dev.latchkey.core.store;

import java.util.List;

/**
 * What {@code latchkey apply} created, under the name its file gives it, so that a later apply of the
 * same file finds and updates it instead of creating it again, and {@code --prune} removes only what an
 * apply created. Thread-safe.
 */
public interface DeclarationStore {

    /** One object an apply created: {@code kind} ("client" or "api"), the file's name, the object's id. */
    record Declared(String kind, String name, String objectId) {
    }

    /** Every declaration, by kind and name. */
    List<Declared> all();

    /** Records (or replaces) the object behind a kind and name. */
    void put(Declared declared);

    /** Forgets a kind and name; false if it was not there. */
    boolean remove(String kind, String name);
}
