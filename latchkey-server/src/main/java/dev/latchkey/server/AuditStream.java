package dev.latchkey.server;

import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.store.AuditStore;
import dev.latchkey.server.dashboard.Shapes;
import dev.latchkey.server.render.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --audit-log FILE} (or {@code -}, standard output): every audit entry, as it is committed, as
 * one JSON line in the shape {@code audit export} and the admin API use. It follows the audit table
 * (not the writes of this process), so it carries what every process wrote: the dashboard, the admin
 * API, the command line, the token endpoint. A file is reopened for every batch (log rotation by
 * moving it works) and continued after a restart from its last line's {@code id}, so nothing is lost
 * or written twice; standard output starts at the newest entry. Thread-confined to the maintenance
 * thread.
 */
final class AuditStream {

    private static final Logger LOG = LoggerFactory.getLogger(AuditStream.class);
    private static final Pattern ID = Pattern.compile("^\\{\"id\":(\\d+)");
    private static final int BATCH = 500;

    private final AuditStore audit;
    private final Path file;
    private final PrintStream stdout;
    private final Follower follower;

    private AuditStream(AuditStore audit, Path file, PrintStream stdout, long start, LongSupplier nanoTime) {
        this.audit = audit;
        this.file = file;
        this.stdout = stdout;
        this.follower = new Follower(start, nanoTime);
    }

    /** Follows into {@code target}: a file path, or "-" for standard output. */
    static AuditStream to(String target, AuditStore audit) {
        List<AuditEvent> newest = audit.list(dev.latchkey.core.audit.AuditQuery.latest(1));
        long latest = newest.isEmpty() ? 0 : newest.get(0).seq();
        if (target.equals("-")) {
            return new AuditStream(audit, null, System.out, latest, System::nanoTime);
        }
        Path file = Path.of(target);
        try {
            if (!Files.exists(file)) {
                // Owner only, as the database: entries name clients, accounts and addresses.
                Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            }
            Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND).close();
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("--audit-log (or LATCHKEY_AUDIT_LOG): cannot write " + file + ": " + e, e);
        }
        return new AuditStream(audit, file, null, lastId(file).orElse(latest), System::nanoTime);
    }

    /** The id of a file's last line, if it has one. */
    static java.util.OptionalLong lastId(Path file) {
        if (!Files.isRegularFile(file)) {
            return java.util.OptionalLong.empty();
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long end = in.length();
            long from = Math.max(0, end - 64 * 1024);
            byte[] tail = new byte[(int) (end - from)];
            in.seek(from);
            in.readFully(tail);
            String[] lines = new String(tail, StandardCharsets.UTF_8).split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                Matcher matcher = ID.matcher(lines[i]);
                if (matcher.find()) {
                    return java.util.OptionalLong.of(Long.parseLong(matcher.group(1)));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the audit log file " + file + ": " + e.getMessage(), e);
        }
        return java.util.OptionalLong.empty();
    }

    /** Writes what was committed since the last call; a failure is logged and the entries kept for the next. */
    void poll() {
        try {
            boolean more;
            do {
                long before = follower.watermark();
                List<AuditEvent> read = audit.after(before, BATCH);
                List<AuditEvent> fresh = follower.next(read);
                if (!fresh.isEmpty()) {
                    write(fresh);
                }
                follower.written(fresh);
                more = read.size() == BATCH && follower.watermark() > before;
            } while (more);
        } catch (RuntimeException | IOException e) {
            LOG.warn("Writing audit entries to {} failed; will retry: {}", file == null ? "standard output" : file,
                    e.toString());
        }
    }

    private void write(List<AuditEvent> events) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (AuditEvent event : events) {
            lines.append(new String(Json.bytes(Shapes.auditEvent(event)), StandardCharsets.UTF_8)).append('\n');
        }
        if (file == null) {
            synchronized (stdout) {
                stdout.print(lines);
                stdout.flush();
            }
            return;
        }
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
            out.write(lines.toString());
        }
    }

    /**
     * Which entries are new, when sequence numbers can commit out of order (two PostgreSQL
     * transactions take 10 and 11; 11 commits first): everything at or below the watermark is
     * written; above it, a missing number is waited for up to {@link #GAP_NANOS} (a rolled-back
     * transaction never fills it), and what was written above it is remembered so it is not written twice.
     */
    static final class Follower {

        static final long GAP_NANOS = 10_000_000_000L;

        private long watermark;
        private final TreeSet<Long> writtenAbove = new TreeSet<>();
        private final TreeMap<Long, Long> missingSince = new TreeMap<>();
        private final LongSupplier nanoTime;

        Follower(long start, LongSupplier nanoTime) {
            this.watermark = start;
            this.nanoTime = nanoTime;
        }

        long watermark() {
            return watermark;
        }

        /** Of entries read after the watermark (oldest first), those not yet written. */
        List<AuditEvent> next(List<AuditEvent> read) {
            long now = nanoTime.getAsLong();
            List<AuditEvent> fresh = new ArrayList<>();
            long expected = watermark + 1;
            for (AuditEvent event : read) {
                for (long gap = expected; gap < event.seq(); gap++) {
                    if (!writtenAbove.contains(gap)) {
                        missingSince.putIfAbsent(gap, now);
                    }
                }
                missingSince.remove(event.seq());
                if (!writtenAbove.contains(event.seq())) {
                    fresh.add(event);
                }
                expected = event.seq() + 1;
            }
            missingSince.values().removeIf(since -> now - since > GAP_NANOS);
            return fresh;
        }

        /** After {@code events} were written: the watermark moves up to the first number still missing. */
        void written(List<AuditEvent> events) {
            events.forEach(event -> writtenAbove.add(event.seq()));
            long limit = missingSince.isEmpty() ? Long.MAX_VALUE : missingSince.firstKey();
            while (!writtenAbove.isEmpty() && writtenAbove.first() < limit) {
                watermark = Math.max(watermark, writtenAbove.pollFirst());
            }
        }

        /** For tests: the numbers being waited for. */
        Map<Long, Long> missing() {
            return missingSince;
        }
    }
}
