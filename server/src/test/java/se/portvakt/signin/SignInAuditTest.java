package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;

/** Every sign-in, failed or not, leaves a row in the audit log with time, account, client, address and outcome. */
abstract class SignInAuditTest {

    @OnH2
    static class OnEmbeddedDatabase extends SignInAuditTest {}

    @OnPostgres
    static class OnPostgreSql extends SignInAuditTest {}

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aFailureAndASuccessAreRecordedWithAccountClientAndAddress() {
        Account person = TestPeople.account(accounts, "audited", hasher.hash("a long enough password"));
        String email = person.email().value();
        String address = TestPeople.uniqueAddress();
        HttpAgent browser = new HttpAgent(issuer).header("X-Forwarded-For", address);
        OidcClient.Request request = OidcClient.web();

        browser.get(HttpAgent.location(browser.get(request.authorizationUrl())));
        browser.post("/signin", Map.of("email", email));
        browser.get("/signin/password");
        browser.post("/signin/password", Map.of("password", "a wrong password"));
        var done = browser.post("/signin/password", Map.of("password", "a long enough password"));
        assertThat(HttpAgent.location(done)).contains("/oauth2/authorize");

        List<Map<String, Object>> rows = rows(email);
        assertThat(rows).extracting(r -> r.get("event_type") + " " + r.get("outcome"))
                .containsExactly("signin.password failure", "signin.password success", "signin success");
        for (Map<String, Object> row : rows) {
            assertThat(row.get("account_id")).isEqualTo(person.id());
            assertThat(row.get("email")).isEqualTo(email);
            assertThat(row.get("client_id")).isEqualTo("test-web");
            assertThat(row.get("address")).isEqualTo(address);
            assertThat(row.get("occurred_at")).isNotNull();
        }
        assertThat(rows.get(0).get("detail")).isEqualTo("wrong password");
        assertThat(rows.get(2).get("detail")).isEqualTo("FACTOR_PASSWORD");
    }

    @Test
    void anUnknownEmailIsRecordedWithoutAnAccount() {
        String email = TestPeople.uniqueEmail("audited.unknown");
        String address = TestPeople.uniqueAddress();
        HttpAgent browser = new HttpAgent(issuer).header("X-Forwarded-For", address);
        OidcClient.Request request = OidcClient.nativeApp();
        browser.get(HttpAgent.location(browser.get(request.authorizationUrl())));
        browser.post("/signin", Map.of("email", email));
        browser.post("/signin/password", Map.of("password", "whatever"));

        List<Map<String, Object>> rows = rows(email);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).containsEntry("event_type", "signin.password").containsEntry("outcome", "failure")
                .containsEntry("client_id", "test-native").containsEntry("address", address)
                .containsEntry("detail", "unknown email");
        assertThat(rows.get(0).get("account_id")).isNull();
    }

    @Test
    void aSignInWithoutAnApplicationIsRecordedWithoutAClient() {
        Account person = TestPeople.account(accounts, "audited.direct", hasher.hash("a long enough password"));
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin");
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.post("/signin/password", Map.of("password", "a long enough password"));

        assertThat(rows(person.email().value())).extracting(r -> r.get("event_type") + " " + r.get("outcome") + " " + r.get("client_id"))
                .containsExactly("signin.password success null", "signin success null");
    }

    private List<Map<String, Object>> rows(String email) {
        return jdbc.sql("""
                SELECT occurred_at, event_type, outcome, account_id, email, client_id, address, detail
                FROM audit_event WHERE email = :email AND event_type LIKE 'signin%' ORDER BY id
                """).param("email", email).query().listOfRows();
    }
}
