package se.portvakt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
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

/**
 * What the person finds in the mail and what the database keeps of it (issue 4, point 5): a green "Enter new
 * password" button, a 256-bit link secret of which only the SHA-256 is stored, 60 minutes for a reset link and
 * 15 for a sign-in link.
 */
abstract class TheLinkInTheMailTest {

    @OnH2
    static class OnEmbeddedDatabase extends TheLinkInTheMailTest {}

    @OnPostgres
    static class OnPostgreSql extends TheLinkInTheMailTest {}

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    JdbcClient jdbc;

    @Test
    void theResetMailHasAGreenEnterNewPasswordButton() {
        Account person = TestPeople.account(accounts, "mail.reset", null);
        String link = new Mailbox(jdbc).askAndAwait(TestPeople.browser(issuer), person.email().value(), "reset");

        Map<String, Object> mail = jdbc.sql("SELECT subject, text_body, html_body FROM dev_outbox WHERE recipient = :r")
                .param("r", person.email().value()).query().singleRow();
        assertThat(mail.get("subject")).isEqualTo("Set your new password");
        assertThat((String) mail.get("html_body")).contains("href=\"" + link + "\"").contains("background:#15803d")
                .contains(">Enter new password</a>");
        assertThat((String) mail.get("text_body")).contains("Enter new password: " + link);
    }

    @Test
    void aLinkAskedForDuringASignInToAnApplicationNamesIt() {
        Account person = TestPeople.account(accounts, "mail.branded", null);
        HttpAgent browser = TestPeople.browser(issuer);
        browser.follow(browser.get(new OidcClient.Request("test-branded", "http://localhost:8081/branded/callback",
                "openid email").authorizationUrl()));
        new Mailbox(jdbc).askAndAwait(browser, person.email().value(), "reset");
        HttpAgent alone = TestPeople.browser(issuer);
        new Mailbox(jdbc).askAndAwait(alone, person.email().value(), "link");

        List<Map<String, Object>> mails = jdbc.sql("SELECT text_body, html_body FROM dev_outbox WHERE recipient = :r ORDER BY id")
                .param("r", person.email().value()).query().listOfRows();
        assertThat((String) mails.get(0).get("text_body")).contains("It was asked for while signing in to Brandt Payroll.");
        assertThat((String) mails.get(0).get("html_body")).contains("It was asked for while signing in to Brandt Payroll.");
        assertThat((String) mails.get(1).get("text_body")).doesNotContain("signing in to");
    }

    @Test
    void onlyTheHashOfA256BitSecretIsStoredWithItsExpiry() throws Exception {
        Account person = TestPeople.account(accounts, "mail.secret", null);
        Mailbox mailbox = new Mailbox(jdbc);
        String reset = Mailbox.token(mailbox.askAndAwait(TestPeople.browser(issuer), person.email().value(), "reset"));
        String signIn = Mailbox.token(mailbox.askAndAwait(TestPeople.browser(issuer), person.email().value(), "link"));

        assertThat(Base64.getUrlDecoder().decode(reset)).hasSize(32);
        assertThat(Base64.getUrlDecoder().decode(signIn)).hasSize(32);
        List<Map<String, Object>> rows = jdbc.sql("""
                SELECT token_hash, kind, created_at, expires_at FROM recovery_token WHERE account_id = :a ORDER BY created_at
                """).param("a", person.id()).query().listOfRows();
        assertThat(rows).extracting(r -> r.get("token_hash")).containsExactly(sha256(reset), sha256(signIn));
        assertThat(rows.toString()).doesNotContain(reset).doesNotContain(signIn);
        assertThat(lifetime(rows.get(0))).isEqualTo(Duration.ofMinutes(60));
        assertThat(lifetime(rows.get(1))).isEqualTo(Duration.ofMinutes(15));
    }

    private Duration lifetime(Map<String, Object> row) {
        return Duration.between(instant(row.get("created_at")), instant(row.get("expires_at")));
    }

    private static java.time.Instant instant(Object value) {
        return value instanceof OffsetDateTime t ? t.toInstant() : ((java.sql.Timestamp) value).toInstant();
    }

    private static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
    }
}
