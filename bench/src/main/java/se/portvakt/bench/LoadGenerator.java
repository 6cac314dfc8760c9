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
 * each user signs in once before the warm-up to get its refresh token).
 */
final class LoadGenerator {

    static final String USAGE = """
            usage: signin|client-credentials|refresh [options]
              --base URL            server (default http://localhost:8080)
              --concurrency N       virtual users (default 1)
              --warmup 10s          not counted (default 10s)
              --duration 30s        measured window (default 30s)
              --max-ops N           stop after N measured operations in total (default 1000000)
              --email, --password   account for signin/refresh (demo: erik.lind@company.com)
              --client, --secret    web client (demo: flex-hrm / flex-hrm-demo-secret)
              --redirect-uri URI    the web client's redirect URI
              --machine-client, --machine-secret, --machine-scope   (demo: payroll-sync / payroll-sync-demo-secret / hr.read)
              --label TEXT          free text printed with the results (e.g. how the server was started)
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

    private LoadGenerator(String scenario, Map<String, String> opts) {
        this.scenario = scenario;
        this.opts = opts;
        this.base = URI.create(opt("base", "http://localhost:8080"));
    }

    static int run(String[] args) throws Exception {
        String scenario = args[0];
        if (!List.of("signin", "client-credentials", "refresh").contains(scenario)) {
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

    private String opt(String name, String fallback) {
        return opts.getOrDefault(name, fallback);
    }

    /** What one virtual user does, once per operation. */
    private interface Operation {
        void run() throws Exception;
    }

    private int execute() throws Exception {
        int concurrency = Integer.parseInt(opt("concurrency", "1"));
        Duration warmup = parseDuration(opt("warmup", "10s"));
        Duration duration = parseDuration(opt("duration", "30s"));
        long maxOps = Long.parseLong(opt("max-ops", "1000000"));
        String loadBefore = loadAverage();

        List<Operation> users = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            users.add(operationFor(new Browser(base)));
        }

        long startNanos = System.nanoTime();
        long measureFrom = startNanos + warmup.toNanos();
        long measureUntil = measureFrom + duration.toNanos();
        AtomicLong measuredOps = new AtomicLong();
        long[][] latencies = new long[concurrency][];
        int[] counts = new int[concurrency];
        CountDownLatch done = new CountDownLatch(concurrency);
        List<Thread> threads = new ArrayList<>();
        for (int u = 0; u < concurrency; u++) {
            final int user = u;
            Thread t = new Thread(() -> {
                long[] mine = new long[1024];
                int n = 0;
                try {
                    while (true) {
                        long begin = System.nanoTime();
                        if (begin >= measureUntil || measuredOps.get() >= maxOps) {
                            break;
                        }
                        boolean measured = begin >= measureFrom;
                        boolean ok = true;
                        try {
                            users.get(user).run();
                        } catch (Exception | AssertionError e) {
                            ok = false;
                            if (measured) {
                                errors.incrementAndGet();
                            }
                            errorKinds.computeIfAbsent(String.valueOf(e.getMessage()).lines().findFirst().orElse("?"),
                                    k -> new AtomicLong()).incrementAndGet();
                            Thread.sleep(10); // a failing server must not turn this into a busy loop
                        }
                        long took = System.nanoTime() - begin;
                        if (measured && ok) {
                            if (n == mine.length) {
                                mine = Arrays.copyOf(mine, n * 2);
                            }
                            mine[n++] = took;
                            measuredOps.incrementAndGet();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    latencies[user] = mine;
                    counts[user] = n;
                    done.countDown();
                }
            }, "vu-" + u);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        long serverPid = Long.parseLong(opt("server-pid", "-1"));
        Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
        String loadAtMeasureStart = loadAverage();
        long serverCpuStart = cpuMillis(serverPid);
        long clientCpuStart = cpuMillis(ProcessHandle.current().pid());
        Thread.sleep(Math.max(0, (measureUntil - System.nanoTime()) / 1_000_000));
        long serverCpu = cpuMillis(serverPid) - serverCpuStart;
        long clientCpu = cpuMillis(ProcessHandle.current().pid()) - clientCpuStart;
        done.await();
        long end = Math.min(System.nanoTime(), measureUntil + 30_000_000_000L);
        double seconds = Math.max(1e-9, (Math.min(end, measureUntil) - measureFrom) / 1e9);

        int total = 0;
        for (int c : counts) {
            total += c;
        }
        long[] all = new long[total];
        int k = 0;
        for (int u = 0; u < concurrency; u++) {
            System.arraycopy(latencies[u], 0, all, k, counts[u]);
            k += counts[u];
        }
        Arrays.sort(all);
        String unit = scenario.equals("signin") ? "sign-ins/s" : "requests/s";
        System.out.printf("scenario      %s%n", scenario);
        System.out.printf("target        %s%s%n", base, opts.containsKey("label") ? "  (" + opts.get("label") + ")" : "");
        System.out.printf("concurrency   %d virtual users, warm-up %ss (not counted), measured %.1fs%n",
                concurrency, warmup.toSeconds(), seconds);
        System.out.printf("completed     %d operations, %d errors%n", total, errors.get());
        System.out.printf("throughput    %.1f %s%n", total / seconds, unit);
        if (total > 0) {
            System.out.printf("latency       median %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    pct(all, 50), pct(all, 90), pct(all, 99), all[all.length - 1] / 1e6);
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

    private static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private Operation operationFor(Browser browser) throws Exception {
        switch (scenario) {
            case "signin":
                return () -> signInAndExchange(browser);
            case "client-credentials": {
                String client = opt("machine-client", "payroll-sync");
                String secret = opt("machine-secret", "payroll-sync-demo-secret");
                Map<String, String> form = Map.of("grant_type", "client_credentials", "scope", opt("machine-scope", "hr.read"));
                return () -> {
                    HttpResponse<String> r = browser.postBasic("/oauth2/token", client, secret, form);
                    expect(r, 200, "client_credentials");
                    if (token(r.body(), "access_token") == null) {
                        throw new AssertionError("client_credentials: no access_token");
                    }
                };
            }
            case "refresh": {
                String[] refresh = {token(signInAndExchange(browser), "refresh_token")};
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
                };
            }
            default:
                throw new IllegalArgumentException(scenario);
        }
    }

    /** The whole browser journey plus the client's code exchange; returns the token response body. */
    private String signInAndExchange(Browser b) throws Exception {
        String client = opt("client", "flex-hrm");
        String redirectUri = opt("redirect-uri", "http://localhost:8081/login/oauth2/code/portvakt");
        String state = random(16);
        String verifier = random(48);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String authorize = "/oauth2/authorize?response_type=code&client_id=" + Browser.enc(client)
                + "&redirect_uri=" + Browser.enc(redirectUri)
                + "&scope=" + Browser.enc("openid email profile offline_access")
                + "&state=" + state + "&nonce=" + random(16)
                + "&code_challenge=" + challenge + "&code_challenge_method=S256";
        b.clearCookies();
        HttpResponse<String> r = b.get(authorize);
        expectRedirect(r, "/signin");
        expect(b.get(Browser.location(r)), 200, "GET /signin");
        r = b.postForm("/signin", Map.of("email", opt("email", "erik.lind@company.com")));
        expectRedirect(r, "/signin/password");
        expect(b.get(Browser.location(r)), 200, "GET /signin/password");
        r = b.postForm("/signin/password", Map.of("password", opt("password", "correct horse battery staple")));
        if (Browser.location(r).endsWith("/signin/two-factor")) {
            // The 2FA prompt, once per account: "Remind me later" keeps it away for the rest of the run.
            expect(b.get(Browser.location(r)), 200, "GET /signin/two-factor");
            r = b.postForm("/signin/two-factor", Map.of("action", "later"));
        }
        expectRedirect(r, "/oauth2/authorize");
        r = b.get(Browser.location(r));
        expectRedirect(r, redirectUri);
        String location = Browser.location(r);
        Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location);
        if (!location.contains("state=" + state) || !code.find()) {
            throw new AssertionError("redirect without code or state: " + location);
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", java.net.URLDecoder.decode(code.group(1), StandardCharsets.UTF_8));
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", verifier);
        r = b.postBasic("/oauth2/token", client, opt("secret", "flex-hrm-demo-secret"), form);
        expect(r, 200, "code exchange");
        if (token(r.body(), "id_token") == null) {
            throw new AssertionError("code exchange: no id_token");
        }
        return r.body();
    }

    private static void expect(HttpResponse<String> r, int status, String what) {
        if (r.statusCode() != status) {
            throw new AssertionError(what + ": HTTP " + r.statusCode() + " " + Browser.location(r));
        }
    }

    private static void expectRedirect(HttpResponse<String> r, String to) {
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
