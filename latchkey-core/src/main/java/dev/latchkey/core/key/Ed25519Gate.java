package dev.latchkey.core.key;

import java.util.concurrent.Semaphore;

/**
 * Lets at most two Ed25519 operations per core run at a time, first come first served.
 *
 * <p>BouncyCastle's Ed25519 takes a global lock on every signature and verification (to check
 * that its precomputed tables exist). With an HTTP pool's many threads runnable on few cores, a
 * thread preempted while holding it stalls every other signer for a scheduler slice. Measured
 * with wrk, 64 connections, 2 cores, client credentials with JWTs, 200 HTTP threads: 9,800
 * tokens/s with a p99 of 33 ms without a gate, 15,200/s with a p99 of 8.7 ms with one permit per core.
 *
 * <p>Why two per core, not one: with one, every release hands the permit to a parked thread, and
 * the core idles until that thread is scheduled (3.2 context switches per JWT). With the HTTP pool
 * at four threads per core, two permits per core keep a signer ready on each core.
 * latchkey-bench/load/ab.sh -r 3 cc-jwt, twice, 8 threads (medians): one per core 18,430 and
 * 18,612/s, p99 9.1-11.3 ms, 3.2 context switches per request; two per core 24,961 and 27,835/s,
 * p99 9.1-11.7 ms, 1.3; three per core (no gate in effect) 25,650/s, p99 9.7-10.8 ms.
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
