package dev.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCredentialStoreTest {

    private static Credentials credentials(int n) {
        return new Credentials("access-" + n, "refresh-" + n, "Bearer", Set.of("read"),
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T01:00:00Z"));
    }

    @Test
    void credentialsRoundTripInAFileOnlyTheOwnerCanRead(@TempDir Path dir) throws Exception {
        FileCredentialStore store = new FileCredentialStore(dir.resolve("tokens.json"));
        assertThat(store.load()).isEmpty();

        store.save(credentials(1));

        assertThat(store.load()).contains(credentials(1));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("tokens.json");
        }
        assertThat(Files.readString(store.file())).contains("\"issued_at\":\"2026-01-01T00:00:00Z\"")
                .contains("\"expires_in\":3600");
    }

    @Test
    void concurrentWritersNeverLeaveATornFile(@TempDir Path dir) throws Exception {
        FileCredentialStore store = new FileCredentialStore(dir.resolve("tokens.json"));
        store.save(credentials(0));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicInteger torn = new AtomicInteger();
        List<Future<?>> writers = new ArrayList<>();
        for (int writer = 0; writer < 3; writer++) {
            int base = writer * 1000;
            writers.add(pool.submit(() -> {
                for (int i = 1; i <= 200; i++) {
                    store.save(credentials(base + i));
                }
            }));
        }
        pool.submit(() -> {
            for (int i = 0; i < 500; i++) {
                try {
                    store.load().orElseThrow();
                } catch (RuntimeException e) {
                    torn.incrementAndGet();
                }
            }
        });
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        for (Future<?> writer : writers) {
            writer.get(); // a writer that failed fails the test: its failure is not a torn file, but a failure
        }
        assertThat(torn.get()).isZero();
        assertThat(store.load().orElseThrow().accessToken()).startsWith("access-");
    }

    @Test
    void theLockIsExclusiveAmongThreads(@TempDir Path dir) throws Exception {
        FileCredentialStore store = new FileCredentialStore(dir.resolve("tokens.json"));
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 8; i++) {
            pool.submit(() -> {
                for (int j = 0; j < 50; j++) {
                    store.locked(() -> {
                        if (inside.incrementAndGet() > 1) {
                            overlaps.incrementAndGet();
                        }
                        Thread.onSpinWait();
                        inside.decrementAndGet();
                        return null;
                    });
                }
                return null;
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        assertThat(overlaps.get()).isZero();
    }
}
