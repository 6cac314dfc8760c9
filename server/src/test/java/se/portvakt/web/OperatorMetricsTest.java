package se.portvakt.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;

/** The operator scrapes sign-in outcomes and token issuance, and asks whether the server is healthy. */
abstract class OperatorMetricsTest {

    @OnH2
    static class OnEmbeddedDatabase extends OperatorMetricsTest {}

    @OnPostgres
    static class OnPostgreSql extends OperatorMetricsTest {}

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Test
    void healthIsUp() {
        HttpResponse<String> health = new HttpAgent(issuer).get("/actuator/health");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
    }

    @Test
    void signInOutcomesAndIssuedTokensAreCounted() {
        double successBefore = counter("portvakt_signin_total", "outcome=\"success\"");
        double failureBefore = counter("portvakt_signin_total", "outcome=\"failure\"");
        double accessBefore = counter("portvakt_tokens_issued_total", "type=\"access_token\"");

        Account person = TestPeople.account(accounts, "metered", hasher.hash("a long enough password"));
        HttpAgent wrong = TestPeople.browser(issuer);
        wrong.get("/signin");
        wrong.post("/signin", Map.of("email", person.email().value()));
        wrong.post("/signin/password", Map.of("password", "wrong"));
        OidcClient.Request request = OidcClient.web();
        URI callback = OidcClient.signIn(TestPeople.browser(issuer), request, person.email().value(), "a long enough password");

        assertThat(counter("portvakt_signin_total", "outcome=\"success\"")).isGreaterThanOrEqualTo(successBefore + 1);
        assertThat(counter("portvakt_signin_total", "outcome=\"failure\"")).isGreaterThanOrEqualTo(failureBefore + 1);

        HttpAgent app = new HttpAgent(issuer).header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString("test-web:test-web-secret".getBytes()));
        HttpResponse<String> token = app.post("/oauth2/token", OidcClient.codeExchange(request, OidcClient.param(callback, "code")));
        assertThat(token.statusCode()).isEqualTo(200);

        assertThat(counter("portvakt_tokens_issued_total", "type=\"access_token\"")).isGreaterThanOrEqualTo(accessBefore + 1);
        assertThat(counter("portvakt_tokens_issued_total", "type=\"id_token\"")).isPositive();
    }

    /** The sum of a counter's series whose labels contain this one; 0 while it has none. */
    private double counter(String name, String label) {
        HttpResponse<String> scrape = new HttpAgent(issuer).get("/actuator/prometheus");
        assertThat(scrape.statusCode()).isEqualTo(200);
        Matcher series = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} ([0-9.eE+]+)$").matcher(scrape.body());
        double sum = 0;
        while (series.find()) {
            if (series.group(1).contains(label)) {
                sum += Double.parseDouble(series.group(2));
            }
        }
        return sum;
    }
}
