package dev.latchkey.bench;

import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.authorize.Pkce;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.server.LatchkeyServer;
import dev.latchkey.server.config.ServerConfig;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end users' side under load (issue 15), in process on loopback, the load generator on the
 * same cores as the server (as wrk is in ab.sh):
 * <ul>
 *   <li>{@code code}: the code round trip of a signed-in user: {@code GET /oauth2/authorize} with
 *       the session cookie (a first-party client: no consent page) answers 303 with a code, then
 *       the token request redeems it with its PKCE verifier. No password is hashed. Reported:
 *       exchanges per second.</li>
 *   <li>{@code code-wrk}: the same round trip driven by wrk ({@code load/code.lua}), which leaves the
 *       server more of the two cores than a Java client does; prints wrk's figures and the
 *       exchanges per second (run from the repository's root).</li>
 *   <li>{@code cc-wrk}: the yardstick under wrk: client credentials with a JWT (load/post.lua).</li>
 *   <li>{@code cc}: the yardstick on the same harness, one client credentials request per round.</li>
 *   <li>{@code signin}: {@code POST /login} with the right password, each an Argon2id verification
 *       (m = 19 MiB, t = 2), as many at once as the threads; the hasher's cap answers the excess 503.
 *       Reported: sign-ins per second, and how many were turned away.</li>
 * </ul>
 * Usage: {@code java -cp latchkey-bench/target/benchmarks.jar dev.latchkey.bench.CodeFlowLoad
 * code|code-wrk|cc|cc-wrk|signin [THREADS] [SECONDS]} (defaults 16 threads, 20 s after 5 s of warm-up;
 * the wrk modes warm up for WARMUP seconds, default 15).
 */
public final class CodeFlowLoad {

    private static final Logger LOG = LoggerFactory.getLogger(CodeFlowLoad.class);
    private static final String INITIAL = "load-initial-access-token-0123456789abcdef";
    private static final String PASSWORD = "load user password";
    private static final String REDIRECT = "http://127.0.0.1/callback";
    private static final Pattern CODE = Pattern.compile("[?&]code=([^&]+)");
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern CLIENT_ID = Pattern.compile("\"client_id\":\"([^\"]+)\"");

    private CodeFlowLoad() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "code";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Path dir = Files.createTempDirectory("latchkey-codeflow");
        ServerConfig config = ServerConfig.builder().port(0).dataDir(dir).initialAccessToken(INITIAL)
                .usageCounting(true).build();
        try (LatchkeyServer server = LatchkeyServer.start(config, Clock.systemUTC())) {
            server.assembly().accountManagement().createUser(Actor.commandLine(), "loaduser", PASSWORD.toCharArray());
            String base = "http://127.0.0.1:" + server.port();
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            String clientId = register(http, base);
            if (mode.equals("code-wrk")) {
                String verifier = Secrets.random256();
                wrk(base, "code.lua", seconds, Map.of("SESSION", signIn(http, base), "CLIENT_ID", clientId,
                        "VERIFIER", verifier, "CHALLENGE", Pkce.challenge(verifier)));
                return;
            }
            if (mode.equals("cc-wrk")) {
                wrk(base, "post.lua", seconds, Map.of("BODY", "grant_type=client_credentials", "AUTH",
                        confidentialClient(http, base)));
                return;
            }
            LongAdder done = new LongAdder();
            LongAdder refused = new LongAdder();
            Runnable work = switch (mode) {
                case "signin" -> signIns(http, base, done, refused);
                case "cc" -> clientCredentials(http, base, done, refused);
                default -> codeExchanges(http, base, clientId, signIn(http, base), done, refused);
            };
            run(work, threads, 5, done, refused);
            done.reset();
            refused.reset();
            long start = System.nanoTime();
            run(work, threads, seconds, done, refused);
            double elapsed = (System.nanoTime() - start) / 1e9;
            LOG.info("{}: {} threads, {} s: {} per second ({} done, {} refused)", mode, threads, seconds,
                    String.format("%.0f", done.sum() / elapsed), done.sum(), refused.sum());
        }
    }

    /**
     * The code round trip under wrk (latchkey-bench/load/code.lua), which costs the machine far less
     * per request than a Java client: 2 threads, 64 connections, WARMUP seconds of warm-up (default
     * 15, as pop.sh: with 5, C2 was still compiling through the measured run), then measured.
     */
    private static void wrk(String base, String script, int seconds, Map<String, String> environment)
            throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        int warmup = Integer.parseInt(System.getenv().getOrDefault("WARMUP", "15"));
        for (int duration : new int[] {warmup, seconds}) {
            ProcessBuilder wrk = new ProcessBuilder("wrk", "-t2", "-c" + System.getenv().getOrDefault("CONNS", "64"), "-d" + duration + "s", "-s",
                    "latchkey-bench/load/" + script, base + (script.equals("post.lua") ? "/oauth2/token" : ""))
                    .redirectErrorStream(true);
            wrk.environment().putAll(environment);
            long cpuBefore = os.getProcessCpuTime();
            Process running = wrk.start();
            String output = new String(running.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            long serverCpu = os.getProcessCpuTime() - cpuBefore;
            LOG.info("wrk, {} s:\n{}", duration, output.stripTrailing());
            if (running.waitFor() != 0) {
                throw new IllegalStateException("wrk failed");
            }
            // The server's own CPU (this JVM: the load generator is wrk, another process): what one unit
            // of work costs it, and so what two cores given to the server alone would do.
            java.util.regex.Matcher exchanges = java.util.regex.Pattern.compile("exchanges (\\d+) in").matcher(output);
            java.util.regex.Matcher requests = java.util.regex.Pattern.compile("(\\d+) requests in").matcher(output);
            long units = exchanges.find() ? Long.parseLong(exchanges.group(1))
                    : requests.find() ? Long.parseLong(requests.group(1)) : 0;
            if (units > 0) {
                double micros = serverCpu / 1e3 / units;
                LOG.info("server CPU {} s in {} s; {} us per {}: {} per second on 2 cores of its own",
                        String.format("%.1f", serverCpu / 1e9), duration, Math.round(micros),
                        script.equals("code.lua") ? "exchange" : "request", Math.round(2e6 / micros));
            }
        }
    }

    /** A client credentials client's id:secret, base64, for HTTP Basic. */
    private static String confidentialClient(HttpClient http, String base) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/register"))
                .header("Authorization", "Bearer " + INITIAL).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"scope\":\"read\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher id = CLIENT_ID.matcher(response.body());
        id.find();
        Matcher secret = Pattern.compile("\"client_secret\":\"([^\"]+)\"").matcher(response.body());
        secret.find();
        return java.util.Base64.getEncoder().encodeToString((id.group(1) + ":" + secret.group(1))
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String register(HttpClient http, String base) throws Exception {
        String body = "{\"client_name\":\"load\",\"grant_types\":[\"authorization_code\"],\"scope\":\"read\","
                + "\"token_endpoint_auth_method\":\"none\",\"application_type\":\"native\",\"first_party\":true,"
                + "\"access_token_format\":\"jwt\",\"redirect_uris\":[\"" + REDIRECT + "\"]}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/register"))
                .header("Authorization", "Bearer " + INITIAL).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher matcher = CLIENT_ID.matcher(response.body());
        if (!matcher.find()) {
            throw new IllegalStateException("registration failed: " + response.body());
        }
        return matcher.group(1);
    }

    /** The user's session cookie, from one sign-in through the login form. */
    private static String signIn(HttpClient http, String base) throws Exception {
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(),
                HttpResponse.BodyHandlers.ofString());
        String formCookie = form.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        Matcher csrf = CSRF.matcher(form.body());
        csrf.find();
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Cookie", formCookie).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf.group(1) + "&username=loaduser&password="
                        + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        return login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }

    private static Runnable codeExchanges(HttpClient http, String base, String clientId, String session,
            LongAdder done, LongAdder refused) {
        String verifier = Secrets.random256();
        String authorize = base + "/oauth2/authorize?response_type=code&client_id=" + clientId + "&redirect_uri="
                + URLEncoder.encode(REDIRECT, StandardCharsets.UTF_8) + "&scope=read&code_challenge_method=S256"
                + "&code_challenge=" + Pkce.challenge(verifier) + "&state=s";
        return () -> {
            try {
                HttpResponse<Void> redirect = http.send(HttpRequest.newBuilder(URI.create(authorize))
                        .header("Cookie", session).build(), HttpResponse.BodyHandlers.discarding());
                Matcher code = CODE.matcher(redirect.headers().firstValue("Location").orElse(""));
                if (!code.find()) {
                    refused.increment();
                    return;
                }
                HttpResponse<Void> token = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&client_id=" + clientId
                                + "&code=" + code.group(1) + "&redirect_uri=" + URLEncoder.encode(REDIRECT,
                                StandardCharsets.UTF_8) + "&code_verifier=" + verifier)).build(),
                        HttpResponse.BodyHandlers.discarding());
                (token.statusCode() == 200 ? done : refused).increment();
            } catch (Exception e) {
                refused.increment();
            }
        };
    }

    /** The yardstick on the same harness: one client credentials token request per round. */
    private static Runnable clientCredentials(HttpClient http, String base, LongAdder done, LongAdder refused)
            throws Exception {
        String basic = "Basic " + confidentialClient(http, base);
        return () -> {
            try {
                HttpResponse<Void> token = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                        .header("Authorization", basic).header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                        HttpResponse.BodyHandlers.discarding());
                (token.statusCode() == 200 ? done : refused).increment();
            } catch (Exception e) {
                refused.increment();
            }
        };
    }

    private static Runnable signIns(HttpClient http, String base, LongAdder done, LongAdder refused) throws Exception {
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(),
                HttpResponse.BodyHandlers.ofString());
        String formCookie = form.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        Matcher csrf = CSRF.matcher(form.body());
        csrf.find();
        String body = "csrf=" + csrf.group(1) + "&username=loaduser&password="
                + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
        return () -> {
            try {
                HttpResponse<Void> login = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                        .header("Cookie", formCookie).header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
                (login.statusCode() == 303 ? done : refused).increment();
            } catch (Exception e) {
                refused.increment();
            }
        };
    }

    private static void run(Runnable work, int threads, int seconds, LongAdder done, LongAdder refused)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread thread = new Thread(() -> {
                while (System.nanoTime() - deadline < 0) {
                    work.run();
                }
            });
            thread.start();
            workers.add(thread);
        }
        for (Thread thread : workers) {
            thread.join();
        }
    }
}
