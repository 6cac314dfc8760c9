package se.portvakt.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import se.portvakt.authenticator.cli.Account;
import se.portvakt.authenticator.cli.Authenticator;
import se.portvakt.authenticator.cli.Operation;
import se.portvakt.authenticator.cli.Outcome;
import se.portvakt.authenticator.cli.PendingRequest;
import se.portvakt.authenticator.cli.Signed;

/**
 * The {@code push-approval} scenario: a sign-in approved on the phone (journey step 5, decision 0019), to measure
 * what the approval round trip costs the server. Each virtual user is its own person with its own phone (a
 * request belongs to an account, so two users sharing one could not tell their requests apart), played by the
 * command-line authenticator's library. Before the warm-up each person adds the phone through the real journey
 * (2FA prompt, "Enable", "Get started with 2FA", the pairing code on the page, SMS backup skipped, emergency code
 * saved), unless the device-state file already holds a phone paired with it.
 *
 * <p>One operation: the password up to "Check your phone" and the number on it, then as the phone {@code pending}
 * and {@code decide} (signed before the clock starts: signing is the phone's time, not the server's), then as the
 * browser one poll of {@code /signin/wait} and "continue", then back at the authorization endpoint for the code.
 * Its latency is the sum of the wall times of those four approval requests, each on loopback, which is the server
 * time the approval adds to a sign-in (a real phone and browser add their network, push delivery and a person).
 * With {@code --server-pid} the server's CPU time across those four requests is reported too ({@code server-cpu}):
 * on a shared machine the wall times include waiting for a core, the CPU time does not.
 */
final class PushApproval {

    static final String SCENARIO = "push-approval";
    /** The timed parts of an operation, in order; the first {@link #COUNTED} make the approval round trip. */
    static final List<String> PARTS = List.of("pending", "decide", "wait", "continue", "authorize", "server-cpu");
    static final int COUNTED = 4;
    static final String WHOLE = "the whole sign-in: authorization request, email, password, \"Check your phone\","
            + " the approval and the code; client-side signing included";

    private static final Pattern NUMBER = Pattern.compile("class=\"number\"[^>]*>([0-9]{2})<");
    private static final Pattern PAIRING_LINK = Pattern.compile("data-link=\"([^\"]+)\"");
    private static final Pattern EMERGENCY_CODE = Pattern.compile("id=\"emergency-code\"[^>]*>([A-Z0-9-]+)<");

    private final LoadGenerator generator;
    private final String base;
    private final String people;
    private final Path deviceState;
    private final long serverPid;

    PushApproval(LoadGenerator generator, URI base) {
        this.generator = generator;
        this.base = base.toString().replaceFirst("/+$", "");
        this.people = generator.opt("people", "bench.push.%d@company.com");
        this.deviceState = Path.of(generator.opt("device-state",
                Path.of(System.getProperty("java.io.tmpdir"), "portvakt-bench-devices.json").toString()));
        this.serverPid = Long.parseLong(generator.opt("server-pid", "-1"));
    }

    /** Virtual user {@code n} (from 1): its person gets a phone, then it signs in with push approval, repeatedly. */
    LoadGenerator.Operation user(int n, Browser browser) throws Exception {
        String email = String.format(people, n);
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        Authenticator phone = new Authenticator(deviceState, http, Clock.systemUTC());
        LoadGenerator.Authorization first = generator.newAuthorization();
        HttpResponse<String> r = generator.throughPassword(browser, first, email);
        String next = Browser.location(r);
        Account account;
        if (next.endsWith("/signin/two-factor")) {
            account = pair(browser, first, r, phone, "bench phone " + n);
        } else if (next.endsWith("/signin/check-your-phone")) {
            account = paired(phone, email);
            approve(browser, first, r, phone, account); // the request this sign-in made, answered
        } else {
            throw new IllegalStateException(email + ": the password led to \"" + next + "\", not to the 2FA prompt"
                    + " or \"Check your phone\" (is the person in the server's bootstrap file, e.g."
                    + " --portvakt.bootstrap=file:bench/push-people.yaml?)");
        }
        return () -> {
            LoadGenerator.Authorization authorization = generator.newAuthorization();
            return approve(browser, authorization, generator.throughPassword(browser, authorization, email), phone,
                    account);
        };
    }

    /** From the 2FA prompt through adding the phone to the code, as in {@code PushSignInTest}. */
    private Account pair(Browser b, LoadGenerator.Authorization authorization, HttpResponse<String> r,
            Authenticator phone, String deviceName) throws Exception {
        LoadGenerator.expect(b.get(Browser.location(r)), 200, "GET /signin/two-factor");
        r = b.postForm("/signin/two-factor", Map.of("action", "enable"));
        LoadGenerator.expectRedirect(r, "/signin/get-started");
        LoadGenerator.expect(b.get(Browser.location(r)), 200, "GET /signin/get-started");
        r = b.postForm("/signin/get-started", Map.of("action", "next"));
        LoadGenerator.expectRedirect(r, "/signin/authenticator-pairing");
        HttpResponse<String> page = b.get(Browser.location(r));
        LoadGenerator.expect(page, 200, "GET /signin/authenticator-pairing");
        String link = first(PAIRING_LINK, page.body(), "the pairing link");
        if (!link.startsWith(base + "/")) {
            throw new IllegalStateException("the server's issuer is not --base (" + base + "): the phone posts to the"
                    + " issuer, so start the server with --portvakt.issuer=" + base + " (pairing link " + link + ")");
        }
        Outcome outcome = phone.pair(link, null, deviceName, Optional.empty());
        if (!(outcome instanceof Outcome.Paired paired)) {
            throw new IllegalStateException("pairing: " + outcome);
        }
        r = b.postForm("/signin/authenticator-pairing", Map.of("action", "paired"));
        if (Browser.location(r).endsWith("/signin/sms-backup")) {
            LoadGenerator.expect(b.get(Browser.location(r)), 200, "GET /signin/sms-backup");
            r = b.postForm("/signin/sms-backup", Map.of("action", "skip"));
        }
        LoadGenerator.expectRedirect(r, "/signin/emergency-code-save");
        page = b.get(Browser.location(r));
        LoadGenerator.expect(page, 200, "GET /signin/emergency-code-save");
        String code = first(EMERGENCY_CODE, page.body(), "the emergency code");
        r = b.postForm("/signin/emergency-code-save", Map.of("code", code, "stored", "on", "action", "done"));
        generator.code(b, authorization, r);
        return paired.account();
    }

    /** The phone an earlier run paired with the person, from the device-state file. */
    private Account paired(Authenticator phone, String email) {
        return phone.accounts().stream()
                .filter(account -> !account.removed() && account.isSameAccount(URI.create(base), email))
                .reduce((earlier, later) -> later)
                .orElseThrow(() -> new IllegalStateException(email + " has a phone already, but not one in "
                        + deviceState + ": start the server on a fresh database, or give --device-state the file of"
                        + " the run that paired it"));
    }

    /**
     * "Check your phone" to the code, timing the approval's four requests and the authorization endpoint.
     *
     * @param r the password's answer, a redirect to "Check your phone"
     * @return nanoseconds per {@link #PARTS} entry
     */
    private long[] approve(Browser b, LoadGenerator.Authorization authorization, HttpResponse<String> r,
            Authenticator phone, Account account) throws Exception {
        LoadGenerator.expectRedirect(r, "/signin/check-your-phone");
        HttpResponse<String> page = b.get(Browser.location(r));
        LoadGenerator.expect(page, 200, "GET /signin/check-your-phone");
        int number = Integer.parseInt(first(NUMBER, page.body(), "the number"));
        long[] took = new long[PARTS.size()];
        long cpuBefore = serverCpuNanos();

        Signed listing = phone.sign(account, phone.message(account, Operation.PENDING));
        long start = System.nanoTime();
        Outcome listed = phone.send(listing);
        took[0] = System.nanoTime() - start;
        if (!(listed instanceof Outcome.Requests requests)) {
            throw new AssertionError("pending: " + listed);
        }
        PendingRequest request = requests.requests().stream()
                .filter(each -> each.numbers().contains(number))
                .max(Comparator.comparing(PendingRequest::createdAt))
                .orElseThrow(() -> new AssertionError("pending: no request with the browser's number " + number));

        Signed approval = phone.signedApproval(account, request.id(), number);
        start = System.nanoTime();
        Outcome decided = phone.send(approval);
        took[1] = System.nanoTime() - start;
        if (!(decided instanceof Outcome.Approved)) {
            throw new AssertionError("decide: " + decided);
        }

        start = System.nanoTime();
        HttpResponse<String> status = b.getJson("/signin/wait");
        took[2] = System.nanoTime() - start;
        LoadGenerator.expect(status, 200, "GET /signin/wait");
        if (!status.body().replace(" ", "").contains("\"status\":\"ready\"")) {
            throw new AssertionError("GET /signin/wait after the approval: " + status.body());
        }

        start = System.nanoTime();
        r = b.postForm("/signin/check-your-phone", Map.of("action", "continue"));
        took[3] = System.nanoTime() - start;
        took[5] = serverCpuNanos() - cpuBefore;

        start = System.nanoTime();
        generator.code(b, authorization, r);
        took[4] = System.nanoTime() - start;
        return took;
    }

    /**
     * The CPU time all of the server's threads have had, in nanoseconds, from {@code /proc/PID/task/*}{@code
     * /schedstat} (0 without {@code --server-pid}). Between two readings around the approval it is the server's
     * CPU for those four requests, background threads included; only with one virtual user is nothing else
     * counted with it.
     */
    private long serverCpuNanos() {
        if (serverPid <= 0) {
            return 0;
        }
        long total = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + serverPid + "/task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("schedstat"));
                    total += Long.parseLong(stat.substring(0, stat.indexOf(' ')));
                } catch (IOException | RuntimeException ended) {
                    // the thread ended between the listing and the reading
                }
            }
        } catch (IOException unreadable) {
            return 0;
        }
        return total;
    }

    private static String first(Pattern pattern, String page, String what) {
        Matcher matcher = pattern.matcher(page);
        if (!matcher.find()) {
            throw new AssertionError("no " + what + " on the page");
        }
        return matcher.group(1);
    }
}
