package dev.latchkey.server.cli;

import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.audit.AuditQuery;
import dev.latchkey.core.manage.AuditLog;
import dev.latchkey.core.store.Page;
import dev.latchkey.server.Assembly;
import dev.latchkey.server.config.ServerConfig;
import dev.latchkey.server.dashboard.Shapes;
import dev.latchkey.server.render.Json;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code latchkey audit export [--since TIME] [--action NAME] [--format jsonl|csv]}: the audit log
 * (the dashboard's, the same store) to standard output, newest first, every page of it. JSON lines
 * in the admin API's shape; CSV with a header row (RFC 4180 quoting). Secrets never appear: the
 * entries hold them redacted already.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Read the audit log.",
        subcommands = AuditCommand.Export.class)
final class AuditCommand {

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write the audit log's entries (newest first) as JSON lines or CSV to standard output.")
    static final class Export implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions options;

        @Option(names = "--since", description = "Only entries at or after this time (ISO-8601, e.g. 2026-12-01T00:00:00Z).")
        String since;

        @Option(names = "--action", description = "Only entries of this action (e.g. client.create).")
        String action;

        @Option(names = "--format", defaultValue = "jsonl", description = "jsonl or csv (default ${DEFAULT-VALUE}).")
        String format;

        @Override
        public Integer call() {
            if (!format.equals("jsonl") && !format.equals("csv")) {
                throw new IllegalArgumentException("--format must be jsonl or csv, not " + format);
            }
            Instant from;
            try {
                from = since == null ? Instant.EPOCH : Instant.parse(since);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--since must be an ISO-8601 time such as 2026-12-01T00:00:00Z");
            }
            ServerConfig config = options.toConfig();
            PrintWriter out = spec.commandLine().getOut();
            try (Assembly latchkey = Assembly.open(config, config.issuerFor(config.port()), Clock.systemUTC())) {
                AuditLog log = latchkey.services().management().audit();
                if (format.equals("csv")) {
                    out.println("time,actor,action,target_kind,target_id,source,before,after");
                }
                String cursor = null;
                AuditQuery query = new AuditQuery(null, action, null, null, null, AuditLog.MAX_PAGE);
                pages:
                do {
                    Page<AuditEvent> page = log.list(Actor.commandLine(), query, cursor);
                    for (AuditEvent event : page.items()) {
                        if (event.at().isBefore(from)) {
                            break pages; // newest first: every later entry is older still
                        }
                        out.println(format.equals("csv") ? csv(event)
                                : new String(Json.bytes(Shapes.auditEvent(event)), StandardCharsets.UTF_8));
                    }
                    cursor = page.nextCursor();
                } while (cursor != null);
            }
            out.flush();
            return 0;
        }

        static String csv(AuditEvent event) {
            return String.join(",", cell(event.at().toString()), cell(event.actor()), cell(event.action()),
                    cell(event.targetKind()), cell(event.targetId()), cell(event.source()), cell(event.before()),
                    cell(event.after()));
        }

        // RFC 4180 §2: a field with a comma, quote or line break is quoted, its quotes doubled.
        private static String cell(String value) {
            if (value == null) {
                return "";
            }
            boolean quote = value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r");
            return quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
        }
    }
}
