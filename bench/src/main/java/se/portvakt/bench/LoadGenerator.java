package se.portvakt.bench;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A closed-loop load generator: N virtual users, each on its own thread, connection and cookie jar, repeat one
 * scenario back to back. A warm-up phase runs first and is not counted; then operations that <em>start</em>
 * within the measured window are counted. Every loop is bounded by time and by {@code --max-ops}.
 *
 * <p>Scenarios: {@code signin} (authorization request, email screen, password screen, back to the
 * authorization endpoint, code exchange at the token endpoint: one operation, 8 HTTP requests, a fresh cookie
 * jar each time), {@code client-credentials} (one token request), {@code refresh} (one refresh_token grant;
 * each user signs in once before the warm-up to get its refresh token), {@code push-approval} (a sign-in with
 * push approval, whose latency is the server time of the approval round trip only: {@link PushApproval}),
 * {@code keycloak-signin} (Keycloak's one-form sign-in, for side-by-side runs: {@link KeycloakSignIn}).
 * {@code client-credentials} also drives Keycloak and node-oidc-provider ({@code --token-path}).
 */
final class LoadGenerator {

    static final String USAGE = """
            usage: signin|client-credentials|refresh|push-approval|keycloak-signin [options]
              --base URL            server (default http://localhost:8080)
              --concurrency N       virtual users (default 1)
              --warmup 10s          not counted (default 10s)
              --duration 30s        measured window (default 30s)
              --max-ops N           stop after N measured operations in total (default 1000000)
              --rate R              open loop: start R operations per second (decimals allowed) whatever the answers
                                    take, each taken by the first free virtual user (--concurrency is then the most
                                    in flight); latency counts from when an operation was due, so waiting for a free
                                    user is counted. Not set: closed loop, each user starts its next at once
              --interval 60s        also prints a line per interval of the measured window as it ends (operations,
                                    errors, rate, latency percentiles), for long runs (bench/soak.sh)
              --email, --password   account for signin/refresh (demo: erik.lind@company.com); with %d in the
                                    email, virtual user N uses the address with N (one account each)
              --client, --secret    web client (demo: flex-hrm / flex-hrm-demo-secret)
              --redirect-uri URI    the web client's redirect URI
              --machine-client, --machine-secret, --machine-scope   (demo: payroll-sync / payroll-sync-demo-secret / hr.read;
                                    an empty scope sends none)
              --token-path PATH     client-credentials: the token endpoint (default /oauth2/token; Keycloak
                                    /realms/bench/protocol/openid-connect/token, node-oidc-provider /token)
              --realm-path PATH     keycloak-signin: the realm (default /realms/bench; the defaults of --client,
                                    --secret, --redirect-uri, --email, --password are ../shared/peers/keycloak.sh's:
                                    rp / rpsecret / http://127.0.0.1:9999/cb / bench.user@example.com)
              --people PATTERN      push-approval: virtual user N signs in as PATTERN with %d = N, each with its own
                                    phone (default bench.push.%d@company.com: bench/push-people.yaml; start the
                                    server with --portvakt.bootstrap=file:bench/push-people.yaml and
                                    --portvakt.issuer=<the --base URL>)
              --device-state FILE   push-approval: the phones' keys (default: portvakt-bench-devices.json in the
                                    temp directory); people paired earlier on the same database are reused
              --label TEXT          free text printed with the results (e.g. how the server was started)
              --node-header NAME    a response header naming the node behind a proxy that answered (scripts/cluster.sh
                                    sets X-Portvakt-Node): each failure is reported with the node that gave the
                                    failing answer (or the request that got none), and the operations that
                                    succeeded with the nodes that served them
              --timeline on         also prints the operations that succeeded and failed in each second of the
                                    measured window (where a fault is injected)
              --server-pid PID      the server's process id (same machine): also reports the CPU time the
                                    server and this generator spent per operation, and the rate that CPU
                                    cost allows on this machine's cores with nothing else running""";

    private static final Pattern JSON_STRING = Pattern.compile("\"(access_token|refresh_token|id_token)\"\\s*:\\s*\"([^\"]+)\"");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, String> opts;
    private final URI base;
    private final String scenario;
    private final AtomicLong errors = new AtomicLong();
    private final Map<String, AtomicLong> errorKinds = new ConcurrentHashMap<>();
    /** Failures in the measured window by reason, and successes there by the nodes that served them. */
    private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> succeededOn = new ConcurrentHashMap<>();
    /** Sign-ins (signin scenario) that were shown the 2FA prompt, its third form. */
    private final AtomicLong twoFactorPrompts = new AtomicLong();
    private final AtomicLong signIns = new AtomicLong();

    private LoadGenerator(String scenario, Map<String, String> opts) {
        this.scenario = scenario;
        this.opts = opts;
        this.base = URI.create(opt("base", "http://localhost:8080"));
    }

    static int run(String[] args) throws Exception {
        String scenario = args[0];
        if (!List.of("signin", "client-credentials", "refresh", PushApproval.SCENARIO, KeycloakSignIn.SCENARIO)
                .contains(scenario)) {
            System.err.println("unknown scenario " + scenario + "\n" + USAGE);
            return 2;
        }
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("bad option " + args[i] + "\n" + USAGE);
                return 2;
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        return new LoadGenerator(scenario, opts).execute();
    }

    String opt(String name, String fallback) {
        return opts.getOrDefault(name, fallback);
    }

    /** What one virtual user does, once per operation. */
    interface Operation {
        /**
         * Does it once.
         *
         * @return the nanoseconds of each part the scenario times (as many as its {@code parts()} names), or
         *     {@code null} when the operation's latency is its whole wall time
         */
        long[] run() throws Exception;
    }

    /** The parts a scenario times within an operation; the first {@link #countedParts} make its latency. */
    private List<String> parts() {
        return scenario.equals(PushApproval.SCENARIO) ? PushApproval.PARTS : List.of();
    }

    private int countedParts() {
        return scenario.equals(PushApproval.SCENARIO) ? PushApproval.COUNTED : 0;
    }

    /** A growing array of nanosecond samples, one per virtual user and kind (no boxing, no locks). */
    static final class Samples {
        private long[] values = new long[1024];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        static long[] sorted(List<Samples> all) {
            long[] merged = all.stream().flatMapToLong(s -> Arrays.stream(s.values, 0, s.size)).toArray();
            Arrays.sort(merged);
            return merged;
        }
    }

    private int execute() throws Exception {
        int concurrency = Integer.parseInt(opt("concurrency", "1"));
        Duration warmup = parseDuration(opt("warmup", "10s"));
        Duration duration = parseDuration(opt("duration", "30s"));
        long maxOps = Long.parseLong(opt("max-ops", "1000000"));
        String loadBefore = loadAverage();

        List<Operation> users = new ArrayList<>();
        List<Browser> browsers = new ArrayList<>();
        String nodeHeader = opts.get("node-header");
        PushApproval push = scenario.equals(PushApproval.SCENARIO) ? new PushApproval(this, base) : null;
        for (int i = 0; i < concurrency; i++) {
            Browser browser = new Browser(base, nodeHeader);
            browsers.add(browser);
            users.add(push != null ? push.user(i + 1, browser) : operationFor(browser, i + 1));
        }
        int partCount = parts().size();
        int counted = countedParts();

        long startNanos = System.nanoTime();
        long measureFrom = startNanos + warmup.toNanos();
        long measureUntil = measureFrom + duration.toNanos();
        AtomicLong measuredOps = new AtomicLong();
        Pacer pacer = opts.containsKey("rate") ? new Pacer(startNanos, Double.parseDouble(opt("rate", "")), measureFrom) : null;
        Intervals intervals = opts.containsKey("interval")
                ? new Intervals(measureFrom, parseDuration(opt("interval", "60s")).toNanos()) : null;
        List<Samples> latencies = new ArrayList<>();
        List<Samples> walls = new ArrayList<>();
        List<List<Samples>> partSamples = new ArrayList<>();
        for (int p = 0; p < partCount; p++) {
            partSamples.add(new ArrayList<>());
        }
        for (int u = 0; u < concurrency; u++) {
            latencies.add(new Samples());
            walls.add(new Samples());
            for (List<Samples> part : partSamples) {
                part.add(new Samples());
            }
        }
        int slots = (int) Math.max(1, duration.toSeconds() + 1);
        AtomicLongArray okPerSecond = new AtomicLongArray(slots);
        AtomicLongArray failedPerSecond = new AtomicLongArray(slots);
        CountDownLatch done = new CountDownLatch(concurrency);
        List<Thread> threads = new ArrayList<>();
        for (int u = 0; u < concurrency; u++) {
            final int user = u;
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        // Open loop: the operation's latency counts from when it was due.
                        long begin = pacer == null ? System.nanoTime() : pacer.awaitNext(measureUntil);
                        if (begin < 0 || begin >= measureUntil || measuredOps.get() >= maxOps) {
                            break;
                        }
                        boolean measured = begin >= measureFrom;
                        boolean ok = true;
                        long[] timed = null;
                        Browser browser = browsers.get(user);
                        browser.forgetNodes();
                        try {
                            timed = users.get(user).run();
                        } catch (Exception | AssertionError e) {
                            ok = false;
                            String reason = reason(e);
                            if (measured) {
                                errors.incrementAndGet();
                                if (intervals != null) {
                                    intervals.failed();
                                }
                                // An answer's failure names the node that gave it; one without an answer, the request.
                                String where = e instanceof AssertionError ? "[" + browser.lastNode + "] "
                                        : "[no answer to " + browser.lastRequest + "] ";
                                failures.computeIfAbsent(nodeHeader == null ? reason : where + reason,
                                        k -> new AtomicLong()).incrementAndGet();
                            }
                            errorKinds.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
                            Thread.sleep(10); // a failing server must not turn this into a busy loop
                        }
                        long took = System.nanoTime() - begin;
                        int second = (int) ((begin - measureFrom) / 1_000_000_000L);
                        if (measured && second < slots) {
                            (ok ? okPerSecond : failedPerSecond).incrementAndGet(second);
                        }
                        if (measured && ok && nodeHeader != null) {
                            succeededOn.computeIfAbsent(String.join("+", new java.util.TreeSet<>(browser.nodes)),
                                    k -> new AtomicLong()).incrementAndGet();
                        }
                        if (measured && ok) {
                            long latency = timed == null ? took : 0;
                            for (int p = 0; timed != null && p < partCount; p++) {
                                partSamples.get(p).get(user).add(timed[p]);
                                latency += p < counted ? timed[p] : 0;
                            }
                            latencies.get(user).add(latency);
                            walls.get(user).add(took);
                            measuredOps.incrementAndGet();
                            if (intervals != null) {
                                intervals.succeeded(latency);
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "vu-" + u);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        if (intervals != null) {
            intervals.start(measureUntil);
        }
        long serverPid = Long.parseLong(opt("server-pid", "-1"));
        Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
        String loadAtMeasureStart = loadAverage();
        java.time.Instant measuringStart = java.time.Instant.now();
        long serverCpuStart = cpuMillis(serverPid);
        long clientCpuStart = cpuMillis(ProcessHandle.current().pid());
        // Until the window ends, or sooner when --max-ops is reached.
        done.await(Math.max(0, measureUntil - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
        long serverCpu = cpuMillis(serverPid) - serverCpuStart;
        long clientCpu = cpuMillis(ProcessHandle.current().pid()) - clientCpuStart;
        done.await();
        long end = Math.min(System.nanoTime(), measureUntil + 30_000_000_000L);
        double seconds = Math.max(1e-9, (Math.min(end, measureUntil) - measureFrom) / 1e9);

        long[] all = Samples.sorted(latencies);
        int total = all.length;
        String unit = switch (scenario) {
            case "signin", KeycloakSignIn.SCENARIO -> "sign-ins/s";
            case PushApproval.SCENARIO -> "sign-ins with push approval/s";
            default -> "requests/s";
        };
        System.out.printf("scenario      %s%n", scenario);
        System.out.printf("target        %s%s%n", base, opts.containsKey("label") ? "  (" + opts.get("label") + ")" : "");
        System.out.printf("concurrency   %d virtual users, warm-up %ss (not counted), measured %.1fs%n",
                concurrency, warmup.toSeconds(), seconds);
        System.out.printf("completed     %d operations, %d errors%n", total, errors.get());
        System.out.printf("throughput    %.1f %s%n", total / seconds, unit);
        if (pacer != null) {
            long due = pacer.dueBetween(measureFrom, measureUntil);
            System.out.printf("open loop     target %s %s: %d due in the window, %d done, %d failed, %d never started"
                            + " (every user busy), %d started over %d ms late, largest lag %d ms%n",
                    opt("rate", ""), unit, due, total, errors.get(), Math.max(0, due - total - errors.get()),
                    pacer.late(), Pacer.LATE_NANOS / 1_000_000, pacer.maxLagMillis());
        }
        if (scenario.equals("signin")) {
            System.out.printf("journey       Portvakt: email form, password form, the 2FA prompt's \"Remind me later\" in %d of"
                    + " %d sign-ins (incl. warm-up), code exchange%n", twoFactorPrompts.get(), signIns.get());
        } else if (scenario.equals(KeycloakSignIn.SCENARIO)) {
            System.out.println("journey       Keycloak: one login form (username and password), code exchange");
        }
        if (total > 0 && partCount > 0) {
            System.out.printf("approval      median %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (server time: the sum of %s,"
                            + " each timed on loopback)%n", pct(all, 50), pct(all, 90), pct(all, 99), all[total - 1] / 1e6,
                    String.join(" + ", parts().subList(0, counted)));
            StringBuilder medians = new StringBuilder();
            for (int p = 0; p < partCount; p++) {
                long[] part = Samples.sorted(partSamples.get(p));
                medians.append(p == counted ? "; not counted: " : p > 0 ? ", " : "")
                        .append(String.format("%s %.1f (p90 %.1f)", parts().get(p), pct(part, 50), pct(part, 90)));
            }
            System.out.printf("parts, ms     median %s%n", medians);
            if (concurrency > 1 && Long.parseLong(opt("server-pid", "-1")) > 0) {
                System.out.println("              (server-cpu: the server's CPU across one user's approval, which at"
                        + " this concurrency includes the other users' requests of the moment)");
            }
            long[] wall = Samples.sorted(walls);
            System.out.printf("whole op      median %.1f ms, p90 %.1f ms (%s)%n", pct(wall, 50), pct(wall, 90),
                    PushApproval.WHOLE);
        } else if (total > 0) {
            System.out.printf("latency       median %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    pct(all, 50), pct(all, 90), pct(all, 99), all[total - 1] / 1e6);
        }
        if (serverPid > 0 && total > 0) {
            int cpus = Runtime.getRuntime().availableProcessors();
            double serverPerOp = (double) serverCpu / total;
            double clientPerOp = (double) clientCpu / total;
            System.out.printf("cpu per op    server %.2f ms, load generator %.2f ms (process CPU time in the window)%n",
                    serverPerOp, clientPerOp);
            System.out.printf("cpu-bound     %.0f %s if the server had the %d cores to itself; %.0f %s with this generator"
                            + " beside it and nothing else (upper bounds from CPU time, not measured rates)%n",
                    cpus * 1000 / serverPerOp, unit, cpus, cpus * 1000 / (serverPerOp + clientPerOp), unit);
        }
        if (!failures.isEmpty()) {
            System.out.printf("failures      %d in the measured window, by reason%s:%n", errors.get(),
                    nodeHeader == null ? "" : " (in brackets the node that gave the failing answer, its " + nodeHeader + ")");
            failures.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> System.out.println("              " + e.getValue() + "x " + e.getKey()));
        }
        if (!succeededOn.isEmpty()) {
            StringBuilder on = new StringBuilder();
            succeededOn.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> on.append(on.isEmpty() ? "" : ", ").append(e.getKey()).append(": ").append(e.getValue()));
            System.out.printf("succeeded on  %s (the nodes that answered an operation's requests)%n", on);
        }
        if ("on".equals(opts.get("timeline"))) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < slots; i++) {
                line.append(i % 10 == 0 ? (i == 0 ? "" : "\n              ") + String.format("%3ds ", i) : " ")
                        .append(okPerSecond.get(i)).append('/').append(failedPerSecond.get(i));
            }
            System.out.printf("timeline      succeeded/failed by the second the operation began, from the measuring start"
                    + " at %s:%n              %s%n", measuringStart, line);
        }
        if (!errorKinds.isEmpty()) {
            System.out.println("errors seen (incl. warm-up):");
            errorKinds.entrySet().stream().limit(5).forEach(e -> System.out.println("  " + e.getValue() + "x " + e.getKey()));
        }
        System.out.printf("client JVM    %s %s (%s), %d CPUs%n", System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors());
        System.out.printf("loadavg       before %s | at measuring start %s | after %s%n", loadBefore, loadAtMeasureStart,
                loadAverage());
        System.out.println("(the load generator runs on the same machine as the server and takes CPU from it)");
        return errors.get() > 0 && total == 0 ? 1 : 0;
    }

    /** The first line of a failure's message, or the exception's class when it has none. */
    private static String reason(Throwable e) {
        String message = e.getMessage();
        String first = message == null ? "" : message.lines().findFirst().orElse("");
        return e instanceof AssertionError ? first : e.getClass().getSimpleName() + (first.isEmpty() ? "" : ": " + first);
    }

    static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private Operation operationFor(Browser browser, int user) throws Exception {
        // With %d in --email, virtual user N signs in as that address with N (each its own account).
        String email = String.format(opt("email", "erik.lind@company.com"), user);
        switch (scenario) {
            case KeycloakSignIn.SCENARIO:
                return new KeycloakSignIn(this).user(browser);
            case "signin":
                return () -> {
                    signInAndExchange(browser, email);
                    return null;
                };
            case "client-credentials": {
                String client = opt("machine-client", "payroll-sync");
                String secret = opt("machine-secret", "payroll-sync-demo-secret");
                String scope = opt("machine-scope", "hr.read");
                Map<String, String> form = scope.isEmpty() ? Map.of("grant_type", "client_credentials")
                        : Map.of("grant_type", "client_credentials", "scope", scope);
                String tokenPath = opt("token-path", "/oauth2/token");
                return () -> {
                    HttpResponse<String> r = browser.postBasic(tokenPath, client, secret, form);
                    expect(r, 200, "client_credentials");
                    if (token(r.body(), "access_token") == null) {
                        throw new AssertionError("client_credentials: no access_token");
                    }
                    return null;
                };
            }
            case "refresh": {
                String[] refresh = {token(signInAndExchange(browser, email), "refresh_token")};
                if (refresh[0] == null) {
                    throw new IllegalStateException("the code exchange gave no refresh_token (is offline_access allowed?)");
                }
                return () -> {
                    HttpResponse<String> r = browser.postBasic("/oauth2/token", opt("client", "flex-hrm"),
                            opt("secret", "flex-hrm-demo-secret"),
                            Map.of("grant_type", "refresh_token", "refresh_token", refresh[0]));
                    expect(r, 200, "refresh_token");
                    String rotated = token(r.body(), "refresh_token");
                    if (rotated != null) {
                        refresh[0] = rotated;
                    }
                    return null;
                };
            }
            default:
                throw new IllegalArgumentException(scenario);
        }
    }

    /** One authorization request of the web client, with its PKCE verifier. */
    record Authorization(String path, String state, String verifier) {}

    /**
     * The start of every browser journey: an empty cookie jar, the authorization request, the email and the
     * password screens.
     *
     * @return the answer to the password, a redirect to the next step
     */
    HttpResponse<String> throughPassword(Browser b, Authorization authorization, String email) throws Exception {
        b.clearCookies();
        HttpResponse<String> r = b.get(authorization.path());
        expectRedirect(r, "/signin");
        expect(b.get(Browser.location(r)), 200, "GET /signin");
        r = b.postForm("/signin", Map.of("email", email));
        expectRedirect(r, "/signin/password");
        expect(b.get(Browser.location(r)), 200, "GET /signin/password");
        return b.postForm("/signin/password", Map.of("password", opt("password", "correct horse battery staple")));
    }

    Authorization newAuthorization() throws Exception {
        return newAuthorization("/oauth2/authorize", opt("client", "flex-hrm"), redirectUri(),
                "openid email profile offline_access");
    }

    /** An authorization request (code flow, PKCE S256) at {@code endpoint} of any server. */
    Authorization newAuthorization(String endpoint, String client, String redirectUri, String scope) throws Exception {
        String state = random(16);
        String verifier = random(48);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String authorize = endpoint + "?response_type=code&client_id=" + Browser.enc(client)
                + "&redirect_uri=" + Browser.enc(redirectUri)
                + "&scope=" + Browser.enc(scope)
                + "&state=" + state + "&nonce=" + random(16)
                + "&code_challenge=" + challenge + "&code_challenge_method=S256";
        return new Authorization(authorize, state, verifier);
    }

    private String redirectUri() {
        return opt("redirect-uri", "http://localhost:8081/login/oauth2/code/portvakt");
    }

    /**
     * The end of a browser journey: {@code r} (the last step's answer) leads back to the authorization endpoint,
     * which redirects to the client with a code for this request's state.
     *
     * @return the authorization code
     */
    String code(Browser b, Authorization authorization, HttpResponse<String> r) throws Exception {
        expectRedirect(r, "/oauth2/authorize");
        return code(b.get(Browser.location(r)), authorization, redirectUri());
    }

    /**
     * The redirect to the client that ends a browser journey on any server.
     *
     * @return the authorization code it carries for this request's state
     */
    String code(HttpResponse<String> r, Authorization authorization, String redirectUri) {
        expectRedirect(r, redirectUri);
        String location = Browser.location(r);
        Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location);
        if (!location.contains("state=" + authorization.state()) || !code.find()) {
            throw new AssertionError("redirect without code or state: " + location);
        }
        return java.net.URLDecoder.decode(code.group(1), StandardCharsets.UTF_8);
    }

    /** The whole browser journey plus the client's code exchange; returns the token response body. */
    private String signInAndExchange(Browser b, String email) throws Exception {
        String client = opt("client", "flex-hrm");
        Authorization authorization = newAuthorization();
        HttpResponse<String> r = throughPassword(b, authorization, email);
        signIns.incrementAndGet();
        if (Browser.location(r).endsWith("/signin/two-factor")) {
            twoFactorPrompts.incrementAndGet();
            // The 2FA prompt, once per account: "Remind me later" keeps it away for the rest of the run.
            expect(b.get(Browser.location(r)), 200, "GET /signin/two-factor");
            r = b.postForm("/signin/two-factor", Map.of("action", "later"));
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code(b, authorization, r));
        form.put("redirect_uri", redirectUri());
        form.put("code_verifier", authorization.verifier());
        r = b.postBasic("/oauth2/token", client, opt("secret", "flex-hrm-demo-secret"), form);
        expect(r, 200, "code exchange");
        if (token(r.body(), "id_token") == null) {
            throw new AssertionError("code exchange: no id_token");
        }
        return r.body();
    }

    static void expect(HttpResponse<String> r, int status, String what) {
        if (r.statusCode() != status) {
            throw new AssertionError(what + ": HTTP " + r.statusCode() + " " + Browser.location(r));
        }
    }

    static void expectRedirect(HttpResponse<String> r, String to) {
        String location = Browser.location(r).replaceFirst("^https?://[^/]+(?=/)", "");
        String wanted = to.replaceFirst("^https?://[^/]+(?=/)", "");
        if (r.statusCode() / 100 != 3 || !location.startsWith(wanted)) {
            throw new AssertionError(r.request().method() + " " + r.uri().getPath() + ": expected redirect to " + to
                    + ", got HTTP " + r.statusCode() + " " + Browser.location(r));
        }
    }

    private static String token(String json, String name) {
        Matcher m = JSON_STRING.matcher(json);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return m.group(2);
            }
        }
        return null;
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase();
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        if (t.endsWith("s")) {
            return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        }
        if (t.endsWith("m")) {
            return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
        }
        return Duration.ofSeconds(Long.parseLong(t));
    }

    /** User plus system CPU time of a process from /proc/PID/stat, in milliseconds (0 when unknown). */
    static long cpuMillis(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            return ticks * 1000 / CLOCK_TICKS;
        } catch (Exception e) {
            return 0;
        }
    }

    /** USER_HZ; 100 on every Linux this runs on (getconf CLK_TCK). */
    private static final long CLOCK_TICKS = 100;

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "n/a";
        }
    }
}
