package dev.latchkey.core.key;

import java.util.concurrent.Semaphore;

/**
 * Lets at most two Ed25519 operations per core run at a time, first come first served.
 *
 * <p>BouncyCastle's Ed25519 takes a global lock on every signature and verification (to check
 * that its precomputed tables exist). With an HTTP pool's many threads runnable on few cores, a
 * thread preempted while holding it stalls every other signer for a scheduler slice; a gate in
 * front keeps the lock's holders few (BENCHMARKS.md, "Ed25519 gate").
 *
 * <p>Why two per core, not one: with one, every release hands the permit to a parked thread, and
 * the core idles until that thread is scheduled. With the HTTP pool at four threads per core, two
 * permits per core keep a signer ready on each core.
 */
final class Ed25519Gate {

    private static final Semaphore PERMITS = new Semaphore(2 * Runtime.getRuntime().availableProcessors(), true);

    private Ed25519Gate() {
    }

    static void enter() {
        PERMITS.acquireUninterruptibly();
    }

    static void leave() {
        PERMITS.release();
    }
}
