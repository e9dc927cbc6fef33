package dev.latchkey.server.web;

import dev.latchkey.core.key.KeyManager;
import dev.latchkey.core.registry.ClientRegistrar;
import dev.latchkey.server.dashboard.Management;
import dev.latchkey.server.signin.UserServices;
import dev.latchkey.server.pipeline.Pipelines;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.Map;

/**
 * What the routes serve, handed to the web layer by whoever assembles the service: the request
 * pipelines, the registrar, the signing keys, readiness, the store workers, the clock, and the
 * management services of the dashboard and the admin API. The web layer asks nothing else of the
 * assembly.
 *
 * @param readiness each readiness check by name (database, signing_key, migrations); it may wait for the database
 * @param workers where routes that wait for the store run, off the HTTP threads
 */
public record Services(Pipelines pipelines, ClientRegistrar registrar, KeyManager keys,
        java.util.function.Supplier<Map<String, Boolean>> readiness,
        Executor workers, Clock clock, Management management, UserServices users,
        java.util.function.Consumer<dev.latchkey.core.audit.AuditEvent> audit, Telemetry telemetry) {

    /** Audit events stamped with this server's clock. */
    public dev.latchkey.core.audit.AuditEvents auditEvents() {
        return new dev.latchkey.core.audit.AuditEvents(clock);
    }

}
