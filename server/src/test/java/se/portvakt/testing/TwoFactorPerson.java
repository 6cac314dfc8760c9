package se.portvakt.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.factor.totp.Totp;
import se.portvakt.factor.totp.TotpSecret;

/**
 * A person going through the 2FA pages over HTTP, reading what the pages and the development outbox show as a
 * person reads their screen and phone: the authenticator key from the set-up page, SMS codes from the outbox,
 * the emergency code from its page.
 */
public final class TwoFactorPerson {

    private static final Pattern KEY = Pattern.compile("id=\"key\">([A-Z2-7 ]+)<");
    private static final Pattern EMERGENCY_CODE = Pattern.compile("id=\"emergency-code\"[^>]*>([A-Z0-9-]+)<");
    private static final Pattern SMS_CODE = Pattern.compile("\\b([0-9]{6})\\b");

    private final JdbcClient jdbc;
    private final Totp totp = new Totp(Clock.systemUTC());

    public TwoFactorPerson(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A Swedish mobile number no other test uses, as a person types it. */
    public static String uniqueMobile() {
        return "070" + (1_000_000 + ThreadLocalRandom.current().nextInt(9_000_000));
    }

    /** The same number in E.164. */
    public static String e164(String swedishMobile) {
        return "+46" + swedishMobile.substring(1);
    }

    /** The key shown on the authenticator set-up page. */
    public static TotpSecret keyOn(String page) {
        Matcher matcher = KEY.matcher(page);
        assertThat(matcher.find()).as("the set-up page shows the key:\n" + page).isTrue();
        return TotpSecret.parseBase32(matcher.group(1)).orElseThrow();
    }

    /** The emergency code shown on its page. */
    public static String emergencyCodeOn(String page) {
        Matcher matcher = EMERGENCY_CODE.matcher(page);
        assertThat(matcher.find()).as("the page shows an emergency code:\n" + page).isTrue();
        return matcher.group(1);
    }

    /** The code an authenticator app shows now, {@code steps} time steps away (30 s each). */
    public String codeNow(TotpSecret key, int steps) {
        return totp.codeAt(key, Totp.timeStep(Instant.now()) + steps);
    }

    /** The newest SMS code sent to this E.164 number, waiting briefly for it. */
    public String smsCodeTo(String e164) {
        Instant until = Instant.now().plus(Duration.ofSeconds(5));
        while (Instant.now().isBefore(until)) {
            var texts = jdbc.sql("""
                    SELECT text_body FROM dev_outbox WHERE channel = 'sms' AND recipient = :to ORDER BY id DESC
                    FETCH FIRST 1 ROWS ONLY
                    """).param("to", e164).query(String.class).list();
            if (!texts.isEmpty()) {
                Matcher matcher = SMS_CODE.matcher(texts.get(0));
                assertThat(matcher.find()).as("an SMS with a code: " + texts.get(0)).isTrue();
                return matcher.group(1);
            }
            sleep();
        }
        throw new AssertionError("no SMS to " + e164);
    }

    /** The subjects of the mails sent to this address, once {@code expected} is among them (notices go in the background). */
    public java.util.List<String> mailSubjectsTo(String email, String expected) {
        Instant until = Instant.now().plus(Duration.ofSeconds(5));
        java.util.List<String> subjects = java.util.List.of();
        while (Instant.now().isBefore(until) && !subjects.contains(expected)) {
            subjects = jdbc.sql("SELECT subject FROM dev_outbox WHERE channel = 'email' AND recipient = :to ORDER BY id")
                    .param("to", email).query(String.class).list();
            if (!subjects.contains(expected)) {
                sleep();
            }
        }
        return subjects;
    }

    /** How many texts went to this number. */
    public int textsTo(String e164) {
        return jdbc.sql("SELECT COUNT(*) FROM dev_outbox WHERE channel = 'sms' AND recipient = :to")
                .param("to", e164).query(Integer.class).single();
    }

    /**
     * From the 2FA prompt through every set-up page: authenticator app, SMS backup ({@code mobile}, or skipped
     * when null) and the emergency code. Returns what the person keeps, and the redirect back to the application.
     */
    public Enrolled enrol(HttpAgent browser, String mobile) {
        AppAdded app = toSmsBackup(browser);
        TotpSecret key = app.key();
        String setupCode = app.setupCode();
        if (mobile == null) {
            browser.post("/signin/sms-backup", Map.of("action", "skip"));
        } else {
            HttpResponse<String> sent = browser.post("/signin/sms-backup", Map.of("country", "SE", "phone", mobile));
            assertThat(HttpAgent.location(sent)).as(sent.body()).endsWith("/signin/sms-backup-code");
            browser.get("/signin/sms-backup-code");
            HttpResponse<String> saved = browser.post("/signin/sms-backup-code", Map.of("code", smsCodeTo(e164(mobile))));
            assertThat(HttpAgent.location(saved)).as(saved.body()).endsWith("/signin/emergency-code-save");
        }
        String emergency = emergencyCodeOn(browser.get("/signin/emergency-code-save").body());
        HttpResponse<String> done = browser.post("/signin/emergency-code-save",
                Map.of("code", emergency, "stored", "on", "action", "done"));
        assertThat(HttpAgent.location(done)).as(done.body()).contains("/oauth2/authorize");
        return new Enrolled(key, setupCode, emergency, done);
    }

    /**
     * From the 2FA prompt through the authenticator app's set-up to the SMS backup page (shown): the first part
     * of {@link #enrol}.
     */
    public AppAdded toSmsBackup(HttpAgent browser) {
        TotpSecret key = toSetUpCode(browser);
        String setupCode = codeNow(key, 0);
        HttpResponse<String> confirmed = browser.post("/signin/authenticator-setup-code", Map.of("code", setupCode));
        assertThat(HttpAgent.location(confirmed)).endsWith("/signin/sms-backup");
        browser.get("/signin/sms-backup");
        return new AppAdded(key, setupCode);
    }

    /**
     * From the 2FA prompt through the authenticator app's set-up to the page that asks for its first code (shown):
     * returns the key the set-up page showed.
     */
    public TotpSecret toSetUpCode(HttpAgent browser) {
        assertThat(HttpAgent.location(browser.post("/signin/two-factor", Map.of("action", "enable"))))
                .endsWith("/signin/get-started");
        assertThat(HttpAgent.location(browser.post("/signin/get-started", Map.of("action", "other-app"))))
                .endsWith("/signin/authenticator-setup");
        TotpSecret key = keyOn(browser.get("/signin/authenticator-setup").body());
        assertThat(HttpAgent.location(browser.post("/signin/authenticator-setup", Map.of())))
                .endsWith("/signin/authenticator-setup-code");
        assertThat(browser.get("/signin/authenticator-setup-code").statusCode()).isEqualTo(200);
        return key;
    }

    /** The authenticator key set up, and the code that confirmed it. */
    public record AppAdded(TotpSecret key, String setupCode) {}

    /** What a person keeps after setting up 2FA, and where the set-up ended. */
    public record Enrolled(TotpSecret key, String setupCode, String emergencyCode, HttpResponse<String> backToApplication) {}

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
