package se.portvakt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.Race;
import se.portvakt.testing.TestPeople;

/**
 * "Single use under concurrency" (issue 4): twenty browsers press the button of the same link at the same
 * moment; the database lets exactly one of them through and the others get "This link no longer works".
 */
abstract class LinkWorksOnceUnderRaceTest {

    @OnH2
    static class OnEmbeddedDatabase extends LinkWorksOnceUnderRaceTest {}

    @OnPostgres
    static class OnPostgreSql extends LinkWorksOnceUnderRaceTest {}

    private static final int BROWSERS = 20;

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    JdbcClient jdbc;

    @Test
    void twentyBrowsersPressChangePasswordAtOnceAndOneSucceeds() throws Exception {
        Account person = TestPeople.account(accounts, "race.reset", null);
        String link = new Mailbox(jdbc).askAndAwait(TestPeople.browser(issuer), person.email().value(), "reset");

        List<HttpResponse<String>> answers = race(link, "/recovery/reset",
                Map.of("token", Mailbox.token(link), "password", "a brand new passphrase", "confirm", "a brand new passphrase"));

        assertThat(answers).filteredOn(a -> a.body().contains("Your password was changed")).hasSize(1);
        assertThat(answers).filteredOn(a -> a.body().contains("This link no longer works")).hasSize(BROWSERS - 1);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_event WHERE account_id = :a AND event_type = 'password.changed'")
                .param("a", person.id()).query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void twentyBrowsersPressSignInWithTheSameLinkAndOneIsSignedIn() throws Exception {
        Account person = TestPeople.account(accounts, "race.link", null);
        String link = new Mailbox(jdbc).askAndAwait(TestPeople.browser(issuer), person.email().value(), "link");

        List<HttpResponse<String>> answers = race(link, "/recovery/link", Map.of("token", Mailbox.token(link)));

        assertThat(answers).filteredOn(HttpAgent::isRedirect).hasSize(1);
        assertThat(answers).filteredOn(a -> a.body().contains("This link no longer works")).hasSize(BROWSERS - 1);
        assertThat(jdbc.sql("""
                SELECT count(*) FROM audit_event WHERE account_id = :a AND event_type = 'recovery.link.used' AND outcome = 'success'
                """).param("a", person.id()).query(Integer.class).single()).isEqualTo(1);
    }

    /** Each browser opens the link (its own session and CSRF token), then all press the button together. */
    private List<HttpResponse<String>> race(String link, String path, Map<String, String> form) throws Exception {
        List<HttpAgent> browsers = new ArrayList<>();
        for (int i = 0; i < BROWSERS; i++) {
            HttpAgent browser = TestPeople.browser(issuer);
            assertThat(browser.get(link).statusCode()).isEqualTo(200);
            assertThat(browser.csrf()).isNotNull();
            browsers.add(browser);
        }
        return Race.post(browsers, path, form);
    }
}
