package dev.latchkey.bench;

import dev.latchkey.core.account.Role;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.manage.AccountManagement;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.Cursor;
import dev.latchkey.server.LatchkeyServer;
import dev.latchkey.server.config.ServerConfig;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard at scale (issue 14): a store holding 100,000 client applications and 1,000,000
 * refresh tokens, and the time each list page takes to render. Rows are written with JDBC batches
 * in the shapes the server writes (one client is registered over RFC 7591 and copied); then the
 * server is started on them and each page is fetched over loopback HTTP with a signed-in session,
 * 10 times to warm up and 40 times measured. The figure is the round trip on 127.0.0.1, which
 * bounds the time at the server from above.
 *
 * <p>Usage: {@code java -cp latchkey-bench.jar dev.latchkey.bench.DashboardScale [sqlite|postgresql]
 * [CLIENTS] [REFRESH_TOKENS]} (PostgreSQL: a schema of its own in LATCHKEY_BENCH_PG_URL, default
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}, dropped at the end).
 */
public final class DashboardScale {

    private static final String INITIAL = "scale-initial-access-token-0123456789abcdef";
    private static final String ADMIN_PASSWORD = "scale admin password";
    private static final String DEVELOPER_PASSWORD = "scale developer password";
    private static final int DEVELOPERS = 100;
    private static final int WARMUP = 10;
    private static final int MEASURED = 40;
    private static final Logger LOG = LoggerFactory.getLogger(DashboardScale.class);
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private DashboardScale() {
    }

    public static void main(String[] args) throws Exception {
        String store = args.length > 0 ? args[0] : "sqlite";
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int refreshTokens = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        Path dir = Files.createTempDirectory("latchkey-scale");
        String schema = "lk_scale_" + ProcessHandle.current().pid();
        String pgBase = System.getenv().getOrDefault("LATCHKEY_BENCH_PG_URL",
                "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        String dbUrl = null;
        if (store.equals("postgresql")) {
            try (Connection c = DriverManager.getConnection(pgBase); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
            dbUrl = pgBase + "&currentSchema=" + schema;
        }
        ServerConfig config = ServerConfig.builder().port(0).dataDir(dir).dbUrl(dbUrl).initialAccessToken(INITIAL)
                .build();
        try {
            LatchkeyServer server = LatchkeyServer.start(config, Clock.systemUTC());
            String template = registerTemplate(server.port());
            AccountManagement accounts = server.assembly().accountManagement();
            accounts.createAdmin(Actor.commandLine(), "boss", ADMIN_PASSWORD.toCharArray(), false);
            List<String> developers = new ArrayList<>();
            for (int i = 0; i < DEVELOPERS; i++) {
                AccountManagement.Invitation invitation = accounts.invite(Actor.commandLine(), "dev" + i, Role.DEVELOPER);
                accounts.acceptInvitation(invitation.token(), DEVELOPER_PASSWORD.toCharArray(), null);
                developers.add(invitation.account().accountId());
            }
            server.close();

            long started = System.nanoTime();
            Populated populated = populate(config.toBuilder().port(server.port()).build().jdbcUrl(), template,
                    developers, clients, refreshTokens);
            LOG.info("Store {}: {} clients, {} refresh tokens in {} families written in {} s", store,
                    String.format("%,d", clients), String.format("%,d", refreshTokens),
                    String.format("%,d", populated.families()), (System.nanoTime() - started) / 1_000_000_000);

            server = LatchkeyServer.start(config.toBuilder().port(server.port()).build(), Clock.systemUTC());
            try {
                measure(server.port(), populated);
            } finally {
                server.close();
            }
        } finally {
            if (dbUrl != null) {
                try (Connection c = DriverManager.getConnection(pgBase); Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
            deleteRecursively(dir);
        }
    }

    /** What the pages are asked about. */
    private record Populated(String busyClient, String middleCursor, long families) {
    }

    private static String registerTemplate(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/oauth2/register"))
                .header("Authorization", "Bearer " + INITIAL).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"client_name\":\"template app\",\"scope\":\"orders:read"
                        + " reports:read\",\"grant_types\":[\"client_credentials\",\"refresh_token\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher id = Pattern.compile("\"client_id\":\"([^\"]+)\"").matcher(response.body());
        if (response.statusCode() != 201 || !id.find()) {
            throw new IllegalStateException("registration failed: " + response.body());
        }
        return id.group(1);
    }

    /**
     * Copies the template client {@code clients} times (owners spread over the developers, issued
     * a second apart), one secret and one audit entry each, and {@code refreshTokens} refresh tokens in families of two
     * (one rotated, one active); a tenth of the families belong to the first client, so that its
     * Tokens tab pages through a deep list.
     */
    private static Populated populate(String jdbcUrl, String template, List<String> developers, int clients,
            int refreshTokens) throws Exception {
        long now = Instant.now().getEpochSecond();
        long firstIssued = now - clients - 60;
        String busy;
        String middleCursor = null;
        long families = refreshTokens / 2;
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.setAutoCommit(false);
            String metadata;
            String registrationHash;
            try (PreparedStatement ps = c.prepareStatement("SELECT metadata, registration_token_hash FROM clients"
                    + " WHERE client_id = ?")) {
                ps.setString(1, template);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    metadata = rs.getString(1);
                    registrationHash = rs.getString(2);
                }
            }
            List<String> ids = new ArrayList<>(clients);
            try (PreparedStatement client = c.prepareStatement("INSERT INTO clients (client_id, registration_token_hash,"
                    + " metadata, issued_at, updated_at, owner_id, disabled, name, last_used_at, scopes)"
                    + " VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)");
                    PreparedStatement secret = c.prepareStatement("INSERT INTO client_secrets (secret_id, client_id,"
                            + " name, secret_hash, created_at) VALUES (?, ?, 'default', ?, ?)");
                    PreparedStatement audit = c.prepareStatement("INSERT INTO audit_events (at, actor, action,"
                            + " target_kind, target_id, owner_id, before_json, after_json, source)"
                            + " VALUES (?, ?, 'client.create', 'client', ?, ?, NULL, ?, '127.0.0.1')")) {
                for (int i = 0; i < clients; i++) {
                    String id = Secrets.random128();
                    String name = "App " + i + (i % 7 == 0 ? " reports" : " orders");
                    long issued = firstIssued + i;
                    ids.add(id);
                    client.setString(1, id);
                    client.setString(2, i == 0 ? registrationHash : TokenHash.of(Secrets.random256()).value());
                    client.setString(3, metadata.replace(template, id).replace("template app", name));
                    client.setLong(4, issued);
                    client.setLong(5, issued);
                    String owner = developers.get(i % developers.size());
                    client.setString(6, owner);
                    client.setString(7, name.toLowerCase(java.util.Locale.ROOT));
                    client.setLong(8, now - (i % 3600));
                    client.setString(9, " orders:read reports:read ");
                    client.addBatch();
                    secret.setString(1, "sec_" + id);
                    secret.setString(2, id);
                    secret.setString(3, TokenHash.of(Secrets.random256()).value());
                    secret.setLong(4, issued);
                    secret.addBatch();
                    audit.setLong(1, issued);
                    audit.setString(2, "account:" + owner);
                    audit.setString(3, id);
                    audit.setString(4, owner);
                    audit.setString(5, "{\"client_name\":\"" + name + "\",\"scope\":\"orders:read reports:read\"}");
                    audit.addBatch();
                    if (i % 10_000 == 9_999) {
                        client.executeBatch();
                        secret.executeBatch();
                        audit.executeBatch();
                        c.commit();
                    }
                    if (i == clients / 2) {
                        middleCursor = new Cursor(issued, id).encode();
                    }
                }
                client.executeBatch();
                secret.executeBatch();
                audit.executeBatch();
                c.commit();
            }
            busy = ids.get(ids.size() - 1);
            try (PreparedStatement family = c.prepareStatement("INSERT INTO token_families (family_id, client_id,"
                    + " created_at, expires_at, revoked) VALUES (?, ?, ?, ?, 0)");
                    PreparedStatement token = c.prepareStatement("INSERT INTO refresh_tokens (token_hash, family_id,"
                            + " client_id, scope, resources, issued_at, expires_at, state, rotated_at, successor_hash,"
                            + " access_expires_at, family_expires_at) VALUES (?, ?, ?, 'orders:read', '', ?, ?, ?, ?, ?,"
                            + " ?, NULL)")) {
                for (long f = 0; f < families; f++) {
                    String owner = f % 10 == 0 ? busy : ids.get((int) (f % ids.size()));
                    String familyId = Secrets.random128();
                    long created = now - 86_400 + (f * 86_000 / families);
                    family.setString(1, familyId);
                    family.setString(2, owner);
                    family.setLong(3, created);
                    family.setNull(4, java.sql.Types.BIGINT);
                    family.addBatch();
                    String first = TokenHash.of(Secrets.random256()).value();
                    String second = TokenHash.of(Secrets.random256()).value();
                    addToken(token, first, familyId, owner, created, now, 1, created + 300, second);
                    addToken(token, second, familyId, owner, created + 300, now, 0, null, null);
                    if (f % 10_000 == 9_999) {
                        family.executeBatch();
                        token.executeBatch();
                        c.commit();
                    }
                }
                family.executeBatch();
                token.executeBatch();
                c.commit();
            }
            // Statistics, and on PostgreSQL the visibility map (which index-only scans need), as the
            // autovacuum daemon would leave them after a load this size.
            c.setAutoCommit(true);
            try (Statement analyze = c.createStatement()) {
                analyze.execute(jdbcUrl.startsWith("jdbc:postgresql:") ? "VACUUM ANALYZE" : "ANALYZE");
            }
        }
        return new Populated(busy, middleCursor, families);
    }

    private static void addToken(PreparedStatement token, String hash, String familyId, String clientId, long issued,
            long now, int state, Long rotatedAt, String successor) throws Exception {
        token.setString(1, hash);
        token.setString(2, familyId);
        token.setString(3, clientId);
        token.setLong(4, issued);
        token.setLong(5, now + 30L * 86_400);
        token.setInt(6, state);
        if (rotatedAt == null) {
            token.setNull(7, java.sql.Types.BIGINT);
        } else {
            token.setLong(7, rotatedAt);
        }
        token.setString(8, successor);
        token.setLong(9, issued + 300);
        token.addBatch();
    }

    /** A browser's worth of HTTP: cookies kept, redirects not followed. */
    private static final class Session {
        private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        private final String base;
        private String csrf;

        Session(int port) {
            this.base = "http://127.0.0.1:" + port;
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher matcher = CSRF.matcher(response.body());
            if (matcher.find()) {
                csrf = matcher.group(1);
            }
            return response;
        }

        void signIn(String username, String password) throws IOException, InterruptedException {
            get("/dashboard/signin");
            String form = "csrf=" + enc(csrf) + "&username=" + enc(username) + "&password=" + enc(password);
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/dashboard/signin"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 303) {
                throw new IllegalStateException("sign-in failed: " + response.statusCode());
            }
            get("/dashboard/");
        }

        private static String enc(String value) {
            return URLEncoder.encode(value, StandardCharsets.UTF_8);
        }
    }

    private static void measure(int port, Populated populated) throws Exception {
        Session admin = new Session(port);
        admin.signIn("boss", ADMIN_PASSWORD);
        Session developer = new Session(port);
        developer.signIn("dev0", DEVELOPER_PASSWORD);
        String busy = "/dashboard/clients/" + populated.busyClient();
        Map<String, Session> pages = new LinkedHashMap<>();
        pages.put("/dashboard/", admin);
        pages.put("/dashboard/clients", admin);
        pages.put("/dashboard/clients?cursor=" + populated.middleCursor(), admin);
        pages.put("/dashboard/clients?search=reports", admin);
        pages.put("/dashboard/clients?search=no-such-app", admin);
        pages.put("/dashboard/clients?scope=reports:read", admin);
        pages.put(busy + "/settings", admin);
        pages.put(busy + "/access", admin);
        pages.put(busy + "/credentials", admin);
        pages.put(busy + "/tokens", admin);
        pages.put(busy + "/activity", admin);
        pages.put("/dashboard/apis", admin);
        pages.put("/dashboard/audit", admin);
        pages.put("/dashboard/accounts", admin);
        pages.put("/dashboard/clients#developer", developer);
        pages.put("/dashboard/clients?search=no-such-app#developer", developer);
        pages.put("/dashboard/audit#developer", developer);
        pages.put("/admin/api/v1/clients?limit=100", admin);
        pages.put("/admin/api/v1/clients/" + populated.busyClient() + "/families?limit=100", admin);
        pages.put("/admin/api/v1/audit-events", admin);

        StringBuilder table = new StringBuilder("| page | status | rows | median ms | p95 ms | max ms |\n"
                + "| --- | --- | --- | --- | --- | --- |\n");
        for (Map.Entry<String, Session> page : pages.entrySet()) {
            String path = page.getKey().replaceAll("#.*", "");
            HttpResponse<String> last = null;
            double[] millis = new double[MEASURED];
            for (int i = 0; i < WARMUP + MEASURED; i++) {
                long start = System.nanoTime();
                last = page.getValue().get(path);
                long took = System.nanoTime() - start;
                if (i >= WARMUP) {
                    millis[i - WARMUP] = took / 1e6;
                }
            }
            Arrays.sort(millis);
            int rows = countRows(last.body());
            table.append(String.format("| `%s` | %d | %d | %.1f | %.1f | %.1f |%n",
                    page.getKey().replace(populated.busyClient(), "{busiest}")
                            .replace(populated.middleCursor(), "{middle}"),
                    last.statusCode(), rows, millis[MEASURED / 2], millis[(int) (MEASURED * 0.95)],
                    millis[MEASURED - 1]));
        }
        LOG.info("Each page, {} times after {} to warm up:\n\n{}", MEASURED, WARMUP, table);
    }

    /** Table rows of a page, or items of an admin API list. */
    private static int countRows(String body) {
        int rows = 0;
        Matcher matcher = Pattern.compile("<tr[ >]|\"(client_id|family_id|action)\":").matcher(body);
        while (matcher.find()) {
            rows++;
        }
        return rows;
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
