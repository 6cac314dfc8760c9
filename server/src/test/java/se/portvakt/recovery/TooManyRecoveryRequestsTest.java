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

import se.portvakt.account.AccountStore;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;

/**
 * "Limits per address and per source IP on how many emails can be asked for (and on link attempts), with
 * the same neutral answer past the limit" (issue 4), with the defaults: 3 mails per email address asked from one
 * client address and 10 per client address an hour, 20 failed links per client address. What other sources and
 * the owner's own browser may still ask for is in {@link StrangersCannotUseUpTheOwnersMailTest}.
 */
abstract class TooManyRecoveryRequestsTest {

    @OnH2
    static class OnEmbeddedDatabase extends TooManyRecoveryRequestsTest {}

    @OnPostgres
    static class OnPostgreSql extends TooManyRecoveryRequestsTest {}

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    JdbcClient jdbc;

    @Test
    void pastThreeRequestsFromOneClientAddressForOneAddressNothingMoreIsSent() {
        Mailbox mailbox = new Mailbox(jdbc);
        String email = TestPeople.account(accounts, "limited", null).email().value();
        HttpAgent source = TestPeople.browser(issuer);
        for (int i = 0; i < 3; i++) {
            mailbox.askAndAwait(source, email, i == 1 ? "link" : "reset");
        }

        HttpResponse<String> fourth = Mailbox.ask(source, email, "reset");
        HttpResponse<String> fifth = Mailbox.ask(source, email, "link");

        for (HttpResponse<String> page : List.of(fourth, fifth)) {
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Please check your email to set your new password.");
        }
        List<String> rows = mailbox.awaitAudit(email, "recovery.link.requested limited");
        assertThat(rows).containsExactly("recovery.reset.sent success", "recovery.link.sent success",
                "recovery.reset.sent success", "recovery.reset.requested limited", "recovery.link.requested limited");
        assertThat(mailbox.mails(email)).hasSize(3);
    }

    @Test
    void pastTenRequestsFromOneClientAddressNothingMoreIsSent() {
        Mailbox mailbox = new Mailbox(jdbc);
        String address = TestPeople.uniqueAddress();
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            emails.add(TestPeople.account(accounts, "crowd", null).email().value());
        }
        for (int i = 0; i < 10; i++) {
            mailbox.askAndAwait(from(address), emails.get(i), "reset");
        }

        HttpResponse<String> eleventh = Mailbox.ask(from(address), emails.get(10), "reset");
        HttpResponse<String> twelfth = Mailbox.ask(from(address), emails.get(11), "link");

        assertThat(eleventh.body()).contains("Please check your email to set your new password.");
        assertThat(twelfth.body()).contains("Please check your email to set your new password.");
        assertThat(mailbox.awaitAudit(emails.get(10), "recovery.reset.requested limited")).hasSize(1);
        assertThat(mailbox.awaitAudit(emails.get(11), "recovery.link.requested limited")).hasSize(1);
        assertThat(mailbox.mails(emails.get(10))).isEmpty();
        assertThat(mailbox.mails(emails.get(11))).isEmpty();
        // Another client address may still ask for the same person.
        mailbox.askAndAwait(TestPeople.browser(issuer), emails.get(11), "link");
    }

    @Test
    void pastTwentyFailedLinksFromOneClientAddressEvenAGoodLinkIsRefusedUnchecked() {
        Mailbox mailbox = new Mailbox(jdbc);
        String email = TestPeople.account(accounts, "guesser", null).email().value();
        String link = mailbox.askAndAwait(TestPeople.browser(issuer), email, "link");
        String address = TestPeople.uniqueAddress();
        HttpAgent guesser = from(address);
        for (int i = 0; i < 20; i++) {
            String guess = String.format("%043d", i);
            assertThat(guesser.post("/recovery/link", Map.of("token", guess)).body()).contains("This link no longer works");
        }

        HttpResponse<String> good = guesser.post("/recovery/link", Map.of("token", Mailbox.token(link)));
        HttpResponse<String> goodReset = guesser.post("/recovery/reset", Map.of("token", Mailbox.token(link),
                "password", "a brand new passphrase", "confirm", "a brand new passphrase"));

        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(good.body()).contains("This link no longer works");
        assertThat(goodReset.body()).contains("This link no longer works");
        assertThat(mailbox.auditFrom(address)).endsWith("recovery.link.used limited", "recovery.reset.used limited")
                .filteredOn("recovery.link.used failure"::equals).hasSize(20);
        // Refused without being looked at: the link still works from another client address.
        HttpAgent person = TestPeople.browser(issuer);
        person.get(link);
        assertThat(HttpAgent.isRedirect(person.post("/recovery/link", Map.of("token", Mailbox.token(link))))).isTrue();
    }

    @Test
    void pastTwentyFailedOpeningsFromOneClientAddressEvenAGoodLinkDoesNotOpen() {
        Mailbox mailbox = new Mailbox(jdbc);
        String email = TestPeople.account(accounts, "opener", null).email().value();
        String link = mailbox.askAndAwait(TestPeople.browser(issuer), email, "reset");
        String address = TestPeople.uniqueAddress();
        HttpAgent guesser = from(address);
        for (int i = 0; i < 20; i++) {
            String guess = String.format("%043d", i);
            assertThat(guesser.get((i % 2 == 0 ? "/recovery/reset" : "/recovery/link") + "?token=" + guess).body())
                    .contains("This link no longer works");
        }

        assertThat(guesser.get(link).body()).contains("This link no longer works");

        assertThat(mailbox.auditFrom(address)).endsWith("recovery.reset.used limited");
        assertThat(TestPeople.browser(issuer).get(link).body()).contains("Change password");
    }

    /** A browser acting from the given client address, with a CSRF token from the recovery screen. */
    private HttpAgent from(String address) {
        HttpAgent browser = new HttpAgent(issuer).header("X-Forwarded-For", address);
        browser.get("/signin/forgot");
        return browser;
    }
}
