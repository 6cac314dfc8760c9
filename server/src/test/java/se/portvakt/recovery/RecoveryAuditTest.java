package se.portvakt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;

/** Every recovery request, send, use and failure leaves a row in the audit log with account, client, address and outcome. */
abstract class RecoveryAuditTest {

    @OnH2
    static class OnEmbeddedDatabase extends RecoveryAuditTest {}

    @OnPostgres
    static class OnPostgreSql extends RecoveryAuditTest {}

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aResetIsRecordedFromRequestToPasswordChange() {
        Account person = TestPeople.account(accounts, "audit.reset", null);
        String email = person.email().value();
        String address = TestPeople.uniqueAddress();
        HttpAgent browser = new HttpAgent(issuer).header("X-Forwarded-For", address);
        browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        browser.post("/signin", Map.of("email", email));
        String link = new Mailbox(jdbc).askAndAwait(browser, email, "reset");
        browser.get(link);
        browser.post("/recovery/reset", Map.of("token", Mailbox.token(link), "password", "a brand new passphrase",
                "confirm", "a brand new passphrase"));

        List<Map<String, Object>> rows = rows(person.id());
        assertThat(rows).extracting(r -> r.get("event_type") + " " + r.get("outcome"))
                .containsExactly("recovery.reset.sent success", "recovery.reset.used success", "password.changed success");
        assertThat(rows).allSatisfy(row -> assertThat(row).containsEntry("email", email).containsEntry("address", address)
                .containsEntry("client_id", "test-web"));
    }

    @Test
    void aSignInLinkIsRecordedFromRequestToUse() {
        Account person = TestPeople.account(accounts, "audit.link", null);
        String email = person.email().value();
        String address = TestPeople.uniqueAddress();
        HttpAgent browser = new HttpAgent(issuer).header("X-Forwarded-For", address);
        browser.get(HttpAgent.location(browser.get(OidcClient.nativeApp().authorizationUrl())));
        browser.post("/signin", Map.of("email", email));
        String link = new Mailbox(jdbc).askAndAwait(browser, email, "link");
        browser.get(link);
        browser.post("/recovery/link", Map.of("token", Mailbox.token(link)));
        browser.get("/signin/forgot");
        browser.post("/recovery/link", Map.of("token", Mailbox.token(link)));

        List<Map<String, Object>> rows = rows(person.id());
        assertThat(rows).extracting(r -> r.get("event_type") + " " + r.get("outcome"))
                .startsWith("recovery.link.sent success", "recovery.link.used success");
        assertThat(rows.subList(0, 2)).allSatisfy(row -> assertThat(row).containsEntry("email", email)
                .containsEntry("address", address).containsEntry("client_id", "test-native"));
        assertThat(new Mailbox(jdbc).auditFrom(address)).contains("recovery.link.used failure");
    }

    @Test
    void anUnknownAddressIsRecordedWithoutAnAccount() {
        String email = TestPeople.uniqueEmail("audit.unknown");
        Mailbox.ask(TestPeople.browser(issuer), email, "link");

        assertThat(new Mailbox(jdbc).awaitAudit(email, "recovery.link.sent no-account"))
                .containsExactly("recovery.link.sent no-account");
    }

    private List<Map<String, Object>> rows(String accountId) {
        return jdbc.sql("""
                SELECT event_type, outcome, account_id, email, client_id, address, occurred_at
                FROM audit_event WHERE account_id = :a AND (event_type LIKE 'recovery%' OR event_type LIKE 'password%')
                ORDER BY id
                """).param("a", accountId).query().listOfRows();
    }
}
