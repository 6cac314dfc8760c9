package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.client.Clients;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.CaptchaSolver;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;

/**
 * "Recent activity" on My account (decision 0034): the person's own events in words, newest first, a page at a time;
 * and "This wasn't me", which signs out every browser (this one too) and every application, and makes the next sign-in
 * choose a new password before it reaches the application.
 */
abstract class RecentActivityTest {

    @OnH2
    static class OnEmbeddedDatabase extends RecentActivityTest {}

    @OnPostgres
    static class OnPostgreSql extends RecentActivityTest {}

    private static final String PAGE = "/account/activity";
    private static final String PASSWORD = "a long enough password";
    private static final String NEW = "another quite long passphrase";
    private static final String CHROME_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final String FIREFOX_ON_LINUX =
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    private static final Pattern ROW = Pattern.compile("<li\\b(?:(?!</li>).)*</li>", Pattern.DOTALL);
    private static final Pattern SENTENCE = Pattern.compile("class=\"device\"[^>]*>([^<]*)<");
    private static final Pattern HANDLE = Pattern.compile("name=\"event\" value=\"([^\"]+)\"");
    private static final Pattern OLDER = Pattern.compile("id=\"older\" href=\"([^\"]+)\"");
    private static final Pattern NEWER = Pattern.compile("id=\"newer\" href=\"([^\"]+)\"");

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AuditLog audit;

    @Autowired
    Clients clients;

    /** A browser of its own: its cookies, address and User-Agent. */
    private record Browser(HttpAgent agent, String address) {}

    private Browser browser(String userAgent) {
        String address = TestPeople.uniqueAddress();
        return new Browser(new HttpAgent(issuer).header("X-Forwarded-For", address).header("User-Agent", userAgent)
                .header("Accept", "text/html"), address);
    }

    @Test
    void theListShowsThePersonsOwnEventsInWordsNewestFirstAPageAtATime() {
        Account anna = person("activity.list");
        Account bertil = person("activity.list.other");
        // Older events first (as the log would have them): 24 shown, one internal, one too old, one of a later version.
        for (int i = 0; i < 12; i++) {
            record(anna, "factor.added", "success", "sms");
            record(anna, "password.changed", "success", "my account");
        }
        record(anna, "password.rehashed", "success", null);
        long tooOld = record(anna, "password.changed", "success", "long ago");
        jdbc.sql("UPDATE audit_event SET occurred_at = :at WHERE id = :id")
                .param("at", OffsetDateTime.now(ZoneOffset.UTC).minusDays(91)).param("id", tooOld).update();
        record(anna, "some.future-event", "whatever", null);
        record(bertil, "factor.added", "success", "totp");
        // A wrong password for Anna, and one typed for an address like hers that has no account: not hers.
        Browser stranger = browser(FIREFOX_ON_LINUX);
        stranger.agent().get(HttpAgent.location(stranger.agent().get("/account")));
        stranger.agent().post("/signin", Map.of("email", anna.email().value()));
        stranger.agent().post("/signin/password", Map.of("password", "not her password"));
        Browser lookalike = browser(FIREFOX_ON_LINUX);
        lookalike.agent().get(HttpAgent.location(lookalike.agent().get("/account")));
        lookalike.agent().post("/signin", Map.of("email", "x" + anna.email().value()));
        lookalike.agent().post("/signin/password", Map.of("password", "whatever it is"));
        Browser bertils = browser(FIREFOX_ON_LINUX);
        signInAtMyAccount(bertils, bertil);
        Browser laptop = browser(FIREFOX_ON_LINUX);
        signInToAnApplication(laptop, anna);
        Browser office = browser(CHROME_ON_WINDOWS);
        signInAtMyAccount(office, anna);

        assertThat(office.agent().get("/account").body()).as("the navigation links to it")
                .contains("href=\"/account/activity\"", "Recent activity");
        HttpResponse<String> first = office.agent().get(PAGE);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("aria-current=\"page\">Recent activity</a>");
        List<String> rows = rows(first.body());
        assertThat(rows).hasSize(RecentActivity.PAGE);
        assertThat(sentences(rows).subList(0, 5)).containsExactly("Signed in with your password",
                "Signed in to Test web app with your password", "Wrong password", "Something changed in your account",
                "Password changed");
        assertThat(rows.get(0)).contains("Chrome on Windows", office.address(), "\u00a0UTC", "This wasn&#39;t me");
        assertThat(rows.get(1)).contains("Firefox on Linux", laptop.address(), "name=\"event\"");
        assertThat(rows.get(2)).contains(stranger.address()).doesNotContain("name=\"event\"");
        assertThat(rows.get(4)).doesNotContain("name=\"event\"");
        assertThat(first.body()).doesNotContain(bertils.address(), lookalike.address(), bertil.email().value(),
                "Authenticator app added", "rehash", "id=\"newer\"");
        String olderLink = link(OLDER, first.body());

        HttpResponse<String> second = office.agent().get(olderLink);

        assertThat(second.statusCode()).isEqualTo(200);
        List<String> more = sentences(rows(second.body()));
        // 24 shown from before, 4 after: 28 in all, 20 on the first page; the too old and the internal one never.
        assertThat(more).hasSize(8).containsOnly("New SMS number added", "Password changed");
        assertThat(more.get(more.size() - 1)).isEqualTo("New SMS number added");
        assertThat(rows(second.body()).get(1)).as("a new method can be reported").contains("name=\"event\"");
        assertThat(second.body()).doesNotContain("id=\"older\"");
        List<String> all = new ArrayList<>(sentences(rows));
        all.addAll(more);
        assertThat(all).hasSize(28);
        HttpResponse<String> back = office.agent().get(link(NEWER, second.body()));
        assertThat(sentences(rows(back.body()))).as("Newer leads back to the first page").isEqualTo(sentences(rows));
        // In Swedish, the same page in Swedish words.
        HttpResponse<String> swedish = office.agent().header("Accept-Language", "sv").get(PAGE);
        assertThat(sentences(rows(swedish.body())).subList(0, 3)).containsExactly("Inloggad med ditt lösenord",
                "Inloggad i Test web app med ditt lösenord", "Fel lösenord");
        assertThat(swedish.body()).contains("Senaste aktivitet", "Det var inte jag", "Äldre");
    }

    @Test
    void aMethodAddedOrRemovedOnMyAccountIsNamedAsAtTheSignIn() {
        Account anna = person("activity.named");
        // Oldest first, with the details My account's changes write (TwoFactorMethods, and the SMS number's and the
        // device's additions), then the sign-in's bare ones.
        record(anna, "factor.added", "success", "totp, on My account");
        record(anna, "factor.added", "success", "totp, replacing the old app, on My account");
        record(anna, "factor.added", "success", "emergency_code, replacing the old one, on My account");
        record(anna, "factor.added", "success", "sms, on My account");
        record(anna, "factor.added", "success", "push, on My account");
        record(anna, "factor.removed", "success", "totp, on My account");
        record(anna, "factor.removed", "success", "sms, on My account");
        record(anna, "factor.removed", "success", "push, on My account");
        record(anna, "factor.removed", "success",
                "two-factor authentication turned off on My account: its last method, sms, removed");
        record(anna, "factor.added", "success", "emergency_code");
        record(anna, "factor.added", "success", "something, a later version's");
        Browser office = browser(CHROME_ON_WINDOWS);
        signInAtMyAccount(office, anna);

        List<String> english = sentences(rows(office.agent().get(PAGE).body()));
        List<String> swedish = sentences(rows(office.agent().header("Accept-Language", "sv").get(PAGE).body()));

        assertThat(english).containsExactly("Signed in with your password", "New two-factor method added",
                "New emergency code saved", "Two-factor authentication turned off", "Portvakt Authenticator removed",
                "SMS number removed", "Authenticator app removed", "Portvakt Authenticator added",
                "New SMS number added", "New emergency code saved", "Authenticator app added",
                "Authenticator app added");
        assertThat(swedish).containsExactly("Inloggad med ditt lösenord", "Ny tvåfaktorsmetod tillagd",
                "Ny nödkod sparad", "Tvåfaktorsautentisering avstängd", "Portvakt Authenticator borttagen",
                "Sms-nummer borttaget", "Autentiseringsapp borttagen", "Portvakt Authenticator tillagd",
                "Nytt sms-nummer tillagt", "Ny nödkod sparad", "Autentiseringsapp tillagd",
                "Autentiseringsapp tillagd");
    }

    @Test
    void badPageCursorsShowTheNewestPageNeverAnError() {
        Account anna = person("activity.cursor");
        Browser office = browser(CHROME_ON_WINDOWS);
        signInAtMyAccount(office, anna);
        for (String bad : List.of("", "abc", "-1", "0", "1e5", "99999999999999999999999", "9223372036854775807",
                "%00", "%27%20OR%201%3D1", "12%2C13", "x".repeat(3000))) {
            for (String query : List.of("?before=" + bad, "?after=" + bad, "?before=" + bad + "&after=1",
                    "?before=1&after=" + bad, "?before=" + bad + "&before=2")) {
                HttpResponse<String> page = office.agent().get(PAGE + query);
                assertThat(page.statusCode()).as(query).isIn(200, 400);
                if (page.statusCode() == 200) {
                    assertThat(page.body()).as(query).contains("Recent activity");
                }
            }
        }
        // The newest page for a cursor that is not an event id of hers, too.
        assertThat(sentences(rows(office.agent().get(PAGE + "?after=1").body())))
                .containsExactly("Signed in with your password");
        assertThat(sentences(rows(office.agent().get(PAGE + "?before=1").body()))).isEmpty();
    }

    @Test
    void thisWasntMeEndsEverySessionAndTokenAndTheNextSignInChoosesANewPassword() {
        Account anna = person("activity.report");
        String email = anna.email().value();
        Browser laptop = browser(FIREFOX_ON_LINUX);
        String refreshToken = signInToAnApplication(laptop, anna);
        ToldApplication told = ToldApplication.signedInThrough(laptop.agent(), clients, issuer, "activity");
        Browser office = browser(CHROME_ON_WINDOWS);
        signInAtMyAccount(office, anna);
        String officeRefresh = refreshTokenThrough(office);
        String handle = handleOf(office.agent().get(PAGE).body(), "Signed in to Test web app");

        HttpResponse<String> reported = office.agent().post(PAGE + "/report", Map.of("event", handle));

        assertThat(reported.statusCode()).isEqualTo(200);
        assertThat(reported.body()).contains("You were signed out everywhere", "Sign in again as " + email,
                "choose a new password", "href=\"/account\"");
        // Every browser, this one too, and every application's refresh token.
        assertThat(HttpAgent.location(office.agent().get("/account"))).endsWith("/signin");
        assertThat(HttpAgent.location(laptop.agent().get("/account"))).endsWith("/signin");
        assertThat(refresh(refreshToken).statusCode()).isEqualTo(400);
        assertThat(refresh(officeRefresh).statusCode()).isEqualTo(400);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM SPRING_SESSION WHERE PRINCIPAL_NAME = :a").param("a", anna.id())
                .query(Integer.class).single()).isZero();
        long signInEvent = jdbc.sql("SELECT id FROM audit_event WHERE account_id = :a AND event_type = 'signin' "
                        + "AND client_id = 'test-web'").param("a", anna.id()).query(Long.class).single();
        assertThat(audited(anna, "account.reported")).containsExactly("success: event " + signInEvent);
        assertThat(audited(anna, "session.end")).containsExactly(
                "reported-by-person: 2 browser sessions, 3 authorizations, 1 logout tokens");
        assertThat(jdbc.sql("SELECT client_id, sid, reason FROM backchannel_logout WHERE account_id = :a")
                .param("a", anna.id())
                .query((row, n) -> row.getString(1) + " " + row.getString(2) + " " + row.getString(3)).list())
                .as("the told application gets a logout token").containsExactly(told.clientId() + " " + told.sid()
                        + " reported-by-person");
        assertThat(new TwoFactorPerson(jdbc).mailSubjectsTo(email, "You reported activity that was not you"))
                .contains("You reported activity that was not you");
        assertThat(accounts.passwordChangeRequired(anna.id())).isTrue();

        // The next sign-in passes the password, then must choose a new one before it reaches the application.
        HttpAgent again = browser(FIREFOX_ON_LINUX).agent();
        OidcClient.Request request = OidcClient.web();
        again.get(HttpAgent.location(again.get(request.authorizationUrl())));
        again.post("/signin", Map.of("email", email));
        HttpResponse<String> afterPassword = again.post("/signin/password", Map.of("password", PASSWORD));
        assertThat(HttpAgent.location(afterPassword)).endsWith("/signin/new-password");
        assertThat(HttpAgent.location(again.get(request.authorizationUrl()))).as("not signed in yet")
                .endsWith("/signin");
        HttpResponse<String> step = again.get("/signin/new-password");
        assertThat(step.statusCode()).isEqualTo(200);
        assertThat(step.body()).contains("Choose a new password", "name=\"password\"", "name=\"confirm\"",
                "autocomplete=\"new-password\"");
        assertThat(again.post("/signin/new-password", Map.of("password", PASSWORD, "confirm", PASSWORD)).body())
                .contains("Choose a password you have not used for this account.");
        assertThat(again.post("/signin/new-password", Map.of("password", NEW, "confirm", NEW + "x")).body())
                .contains("The two passwords are not the same.");
        assertThat(again.post("/signin/new-password", Map.of("password", "short", "confirm", "short")).body())
                .contains("Use at least");
        HttpResponse<String> chosen = again.post("/signin/new-password", Map.of("password", NEW, "confirm", NEW));
        assertThat(HttpAgent.location(chosen)).contains("/oauth2/authorize");
        HttpResponse<String> toClient = again.get(HttpAgent.location(chosen));
        assertThat(HttpAgent.location(toClient)).startsWith(request.redirectUri);
        assertThat(OidcClient.param(URI.create(HttpAgent.location(toClient)), "code")).isNotBlank();
        assertThat(accounts.passwordChangeRequired(anna.id())).isFalse();
        assertThat(audited(anna, "password.changed")).containsExactly("success: required after a report");

        // The old password no longer works; the new one signs in straight to the application.
        HttpAgent oldPassword = browser(FIREFOX_ON_LINUX).agent();
        oldPassword.get(HttpAgent.location(oldPassword.get(request.authorizationUrl())));
        oldPassword.post("/signin", Map.of("email", email));
        HttpResponse<String> refused = oldPassword.post("/signin/password", Map.of("password", PASSWORD));
        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(refused.body()).contains("name=\"password\"");
        assertThat(OidcClient.param(OidcClient.signIn(browser(FIREFOX_ON_LINUX).agent(), OidcClient.web(), email, NEW),
                "code")).isNotBlank();
    }

    @Test
    void aSignInByLinkAlsoChoosesANewPasswordAfterAReport() {
        Account anna = person("activity.report.link");
        Browser office = browser(CHROME_ON_WINDOWS);
        signInAtMyAccount(office, anna);
        String handle = handleOf(office.agent().get(PAGE).body(), "Signed in with your password");
        assertThat(office.agent().post(PAGE + "/report", Map.of("event", handle)).statusCode()).isEqualTo(200);

        HttpAgent phone = TestPeople.browser(issuer);
        phone.get(HttpAgent.location(phone.get("/account")));
        phone.post("/signin", Map.of("email", anna.email().value()));
        String token = signInLinkTo(phone, anna.email().value());
        HttpResponse<String> opened = phone.get("/recovery/link?token=" + token);
        HttpResponse<String> used = phone.post("/recovery/link", Map.of("token", token));

        assertThat(opened.statusCode()).isEqualTo(200);
        assertThat(HttpAgent.location(used)).endsWith("/signin/new-password");
        assertThat(HttpAgent.location(phone.get("/account"))).as("not signed in yet").doesNotEndWith("/account");
        HttpResponse<String> chosen = phone.post("/signin/new-password", Map.of("password", NEW, "confirm", NEW));
        assertThat(URI.create(HttpAgent.location(chosen)).getPath()).isEqualTo("/account");
        assertThat(phone.get("/account").statusCode()).isEqualTo(200);
    }

    @Test
    void anotherPersonsHandleAndAMadeUpOneAreRefusedAlike() {
        Account anna = person("activity.handles");
        Account bertil = person("activity.handles.other");
        Browser office = browser(CHROME_ON_WINDOWS);
        Browser bertils = browser(FIREFOX_ON_LINUX);
        signInAtMyAccount(office, anna);
        signInAtMyAccount(bertils, bertil);
        String bertilsHandle = handleOf(bertils.agent().get(PAGE).body(), "Signed in with your password");
        office.agent().get(PAGE);

        HttpResponse<String> others = office.agent().post(PAGE + "/report", Map.of("event", bertilsHandle));
        HttpResponse<String> madeUp = office.agent().post(PAGE + "/report",
                Map.of("event", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));

        for (HttpResponse<String> refused : List.of(others, madeUp)) {
            assertThat(refused.statusCode()).isEqualTo(404);
            assertThat(refused.body()).contains("That event was not found.", "Signed in with your password")
                    .doesNotContain(bertil.email().value(), bertils.address());
        }
        assertThat(withoutTokens(others.body())).as("the same answer").isEqualTo(withoutTokens(madeUp.body()));
        long annasEvent = jdbc.sql("SELECT id FROM audit_event WHERE account_id = :a AND event_type = 'signin'")
                .param("a", anna.id()).query(Long.class).single();
        for (Map<String, String> form : List.of(Map.<String, String>of(), Map.of("event", ""),
                Map.of("event", "x".repeat(5000)), Map.of("event", "ä ö ' \" <script>"),
                Map.of("event", String.valueOf(annasEvent)))) {
            HttpResponse<String> bad = office.agent().post(PAGE + "/report", form);
            assertThat(bad.statusCode()).as(form.toString()).isEqualTo(404);
            assertThat(bad.body()).doesNotContain("<script>");
        }
        assertThat(office.agent().get("/account").statusCode()).as("nothing ended").isEqualTo(200);
        assertThat(bertils.agent().get("/account").statusCode()).isEqualTo(200);
        assertThat(accounts.passwordChangeRequired(anna.id())).isFalse();
        assertThat(accounts.passwordChangeRequired(bertil.id())).isFalse();
        assertThat(audited(anna, "account.reported")).isEmpty();
        assertThat(audited(bertil, "account.reported")).isEmpty();
    }

    @Test
    void aReportNeedsThePagesCsrfToken() {
        Account anna = person("activity.csrf");
        Browser office = browser(CHROME_ON_WINDOWS);
        signInAtMyAccount(office, anna);
        String handle = handleOf(office.agent().get(PAGE).body(), "Signed in with your password");

        assertThat(office.agent().post(PAGE + "/report", Map.of("_csrf", "forged", "event", handle)).statusCode())
                .isEqualTo(403);
        assertThat(office.agent().postRaw(PAGE + "/report", "application/x-www-form-urlencoded",
                ("event=" + handle).getBytes(StandardCharsets.US_ASCII)).statusCode()).isEqualTo(403);
        assertThat(office.agent().get("/account").statusCode()).as("still signed in").isEqualTo(200);
        assertThat(audited(anna, "account.reported")).isEmpty();
        assertThat(accounts.passwordChangeRequired(anna.id())).isFalse();
    }

    /** From the password step: asks for a one-time sign-in link; returns its token once it is mailed. */
    private String signInLinkTo(HttpAgent browser, String email) {
        browser.get("/signin/forgot");
        HttpResponse<String> sent = browser.post("/signin/forgot",
                Map.of("email", email, "kind", "link", "captcha", CaptchaSolver.solve(browser)));
        assertThat(sent.body()).contains("Please check your email");
        Instant until = Instant.now().plusSeconds(15);
        List<String> links = List.of();
        while (links.isEmpty() && Instant.now().isBefore(until)) {
            links = jdbc.sql("SELECT text_body FROM dev_outbox WHERE recipient = :to AND channel = 'email' "
                            + "AND text_body LIKE '%/recovery/link?token=%' ORDER BY id")
                    .param("to", email).query(String.class).list();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        Matcher token = Pattern.compile("/recovery/link\\?token=([A-Za-z0-9_-]+)").matcher(links.get(links.size() - 1));
        assertThat(token.find()).isTrue();
        return token.group(1);
    }

    private Account person(String who) {
        return TestPeople.account(accounts, who, hasher.hash(PASSWORD));
    }

    private long record(Account person, String type, String outcome, String detail) {
        return audit.record(new AuditEvent(type, outcome, person.id(), person.email().value(), null, "192.0.2.7",
                detail));
    }

    /** Opens My account unsigned and signs in with the password. */
    private void signInAtMyAccount(Browser browser, Account person) {
        HttpAgent agent = browser.agent();
        agent.get(HttpAgent.location(agent.get("/account")));
        agent.post("/signin", Map.of("email", person.email().value()));
        HttpResponse<String> page = agent.follow(agent.post("/signin/password", Map.of("password", PASSWORD)));
        assertThat(page.uri().getPath()).as(page.body()).isEqualTo("/account");
    }

    /** Signs in to the test web application in this browser; returns the application's refresh token. */
    private String signInToAnApplication(Browser browser, Account person) {
        OidcClient.Request request = OidcClient.web();
        return exchange(request, OidcClient.signIn(browser.agent(), request, person.email().value(), PASSWORD));
    }

    private String refreshTokenThrough(Browser browser) {
        OidcClient.Request request = OidcClient.web();
        return exchange(request, OidcClient.authorize(browser.agent(), request));
    }

    private String exchange(OidcClient.Request request, URI callback) {
        HttpResponse<String> tokens = application().post("/oauth2/token",
                OidcClient.codeExchange(request, OidcClient.param(callback, "code")));
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        return OidcClient.json(tokens).get("refresh_token").asString();
    }

    private HttpResponse<String> refresh(String refreshToken) {
        return application().post("/oauth2/token",
                OidcClient.form("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    private HttpAgent application() {
        return new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-web", "test-web-secret"));
    }

    /** The account's audit rows of this type: "outcome: detail". */
    private List<String> audited(Account person, String type) {
        return jdbc.sql("SELECT outcome, detail FROM audit_event WHERE account_id = :a AND event_type = :t ORDER BY id")
                .param("a", person.id()).param("t", type)
                .query((row, n) -> row.getString(1) + ": " + row.getString(2))
                .list();
    }

    private static List<String> rows(String page) {
        int list = page.indexOf("class=\"signed-in activity\"");
        return list < 0 ? List.of()
                : ROW.matcher(page.substring(list)).results().map(MatchResult::group).toList();
    }

    private static List<String> sentences(List<String> rows) {
        return rows.stream().map(row -> {
            Matcher sentence = SENTENCE.matcher(row);
            assertThat(sentence.find()).as(row).isTrue();
            return sentence.group(1);
        }).toList();
    }

    private static String handleOf(String page, String sentence) {
        String row = rows(page).stream().filter(r -> r.contains(sentence)).findFirst()
                .orElseThrow(() -> new AssertionError("no row of " + sentence + " in\n" + page));
        Matcher handle = HANDLE.matcher(row);
        assertThat(handle.find()).as(row).isTrue();
        return handle.group(1);
    }

    private static String link(Pattern pattern, String page) {
        Matcher link = pattern.matcher(page);
        assertThat(link.find()).as(page).isTrue();
        return link.group(1).replace("&amp;", "&");
    }

    private static String withoutTokens(String page) {
        return page.replaceAll("name=\"_csrf\" value=\"[^\"]+\"", "").replaceAll("name=\"event\" value=\"[^\"]+\"", "");
    }
}
