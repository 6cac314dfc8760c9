package se.portvakt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
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
import se.portvakt.testing.TestPeople;

/** Swedish is the second language: a browser that asks for Swedish gets the recovery pages and mails in Swedish. */
abstract class RecoveryInSwedishTest {

    @OnH2
    static class OnEmbeddedDatabase extends RecoveryInSwedishTest {}

    @OnPostgres
    static class OnPostgreSql extends RecoveryInSwedishTest {}

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    JdbcClient jdbc;

    @Test
    void theResetPagesAndMailsAreInSwedish() {
        Account person = TestPeople.account(accounts, "svensk", null);
        String email = person.email().value();
        HttpAgent browser = TestPeople.browser(issuer).header("Accept-Language", "sv-SE,sv;q=0.9,en;q=0.5");
        Mailbox mailbox = new Mailbox(jdbc);

        HttpResponse<String> sent = Mailbox.ask(browser, email, "reset");
        assertThat(sent.body()).contains("Kontrollera din e-post för att ange ditt nya lösenord.");
        String link = Mailbox.linkIn(mailbox.awaitMails(email, 1).get(0));
        Map<String, Object> mail = jdbc.sql("SELECT subject, text_body, html_body FROM dev_outbox WHERE recipient = :r")
                .param("r", email).query().singleRow();
        assertThat(mail.get("subject")).isEqualTo("Ange ditt nya lösenord");
        assertThat((String) mail.get("html_body")).contains("Ange nytt lösenord");
        assertThat((String) mail.get("text_body")).contains("Ange nytt lösenord");

        assertThat(browser.get(link).body()).contains("Ange nytt lösenord");
        browser.post("/recovery/reset", Map.of("token", Mailbox.token(link), "password", "ett helt nytt lösenord", "confirm", "ett helt nytt lösenord"));

        mailbox.awaitMails(email, 2);
        assertThat(mailbox.subjects(email)).containsExactly("Ange ditt nya lösenord", "Ditt lösenord är bytt");
    }
}
