package dev.latchkey.server.dashboard;

import dev.latchkey.core.key.KeyManager;
import dev.latchkey.core.manage.AccountManagement;
import dev.latchkey.core.manage.AuditLog;
import dev.latchkey.core.manage.CatalogueManagement;
import dev.latchkey.core.manage.ClientManagement;
import dev.latchkey.core.manage.UsageReport;
import dev.latchkey.core.token.Introspection;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * What the dashboard and the admin API serve, handed to them by whoever assembles the service: the
 * same management services the command line and RFC 7591/7592 use, and nothing else.
 *
 * @param bearer   what an access token presented to the admin API is (inactive unless it is a live
 *                 access token of an enabled client)
 * @param ready    true while the database answers (the overview's health)
 * @param issuer   the issuer, whose endpoints the quick start shows
 */
public record Management(ClientManagement clients, AccountManagement accounts, CatalogueManagement catalogue,
        AuditLog audit, UsageReport usage, KeyManager keys, Function<String, CompletableFuture<Introspection>> bearer,
        BooleanSupplier ready, String issuer, Clock clock) {

    /** The scope an access token needs for the admin API. */
    public static final String ADMIN_SCOPE = "latchkey:admin";

    /** Cookies are {@code Secure} and {@code __Host-} prefixed when the issuer is https. */
    public boolean secure() {
        return issuer.startsWith("https://");
    }
}
