package dev.latchkey.core.store;

import java.util.List;

/**
 * One page of a list read with keyset pagination: the items, and the cursor of the next page
 * (null on the last). One query per page, whatever the page number.
 */
public record Page<T>(List<T> items, String nextCursor) {

    public Page {
        items = List.copyOf(items);
    }
}
