package dev.latchkey.server.web;

import dev.latchkey.core.key.KeyRing;
import java.util.List;

/** What {@code /metrics} reads from the assembled service at a scrape (never on a request). */
public interface Telemetry {

    /** The read pool, the writer's queue and its group commits so far. */
    record Store(int poolActive, int poolIdle, int poolTotal, int poolWaiting, int writesQueued, long batches,
            long batchedWrites) {
    }

    Store store();

    /** Refresh tokens and codes presented again after use, since the start (RFC 9700 §4.14.2). */
    long reuseDetections();

    /** The signing keys (access and id tokens) with their status. */
    List<KeyRing.KeyState> signingKeys();

    Telemetry NONE = new Telemetry() {
        @Override
        public Store store() {
            return new Store(0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public long reuseDetections() {
            return 0;
        }

        @Override
        public List<KeyRing.KeyState> signingKeys() {
            return List.of();
        }
    };
}
