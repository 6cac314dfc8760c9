package se.portvakt.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.field;
import static se.portvakt.testing.Browser.link;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.factor.totp.TotpSecret;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.Browser;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.RoundRobinProxy;
import se.portvakt.testing.RoundRobinProxy.Forwarded;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;
import se.portvakt.testing.TwoNodes;

/**
 * The cluster journey in a real browser (issue 14): headless Chromium signs in to the test web application through
 * a reverse proxy that sends each page and form post to the other node than the one before, as a load balancer
 * without sticky sessions may: the email address, the password and the authenticator app's code each on the other
 * node, to the application's redirect with a code, which the application exchanges at the other node than the one
 * that made it. The pages say what they say on one node ({@code SignInInBrowserTest},
 * {@code TwoFactorSignInTest}), and are photographed at desktop and phone widths.
 */
class SignInAcrossNodesInBrowserTest {

    private static final String PASSWORD = "a long enough password";
    private static final String SECRET = "test-web-secret";
    // Two nodes, Chromium and a build share two cores: a page may take seconds without anything being wrong.
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void signsInWithTheAuthenticatorAppWhileEachStepIsServedByTheOtherNode() {
        try (RoundRobinProxy proxy = RoundRobinProxy.open();
                TwoNodes cluster = TwoNodes.start(Map.of("portvakt.issuer", proxy.url()))) {
            String a = cluster.a().onLocalhost();
            String b = cluster.b().onLocalhost();
            proxy.to(a, b);
            Account person = TestPeople.newcomer(cluster.a().bean(AccountStore.class), "browser.two.nodes",
                    cluster.b().bean(PasswordHasher.class).hash(PASSWORD));
            String email = person.email().value();
            TwoFactorPerson phone = new TwoFactorPerson(cluster.a().bean(JdbcClient.class));
            TotpSecret key = withAnAuthenticatorApp(proxy, email, phone);
            int before = proxy.forwarded().size();

            OidcClient.Request fromTheApp = OidcClient.web();
            URI arrival;
            try (Browser browser = Browser.startedFor(proxy.url(), PATIENCE)) {
                browser.open(fromTheApp.authorizationUrl());

                // 1. Email first.
                browser.waitForPath("/signin");
                assertThat(browser.text()).contains("Email address", "Save my email address for next time",
                        "Not recommended for public or shared computers");
                assertThat(browser.find(By.cssSelector(".logo svg")).isDisplayed()).isTrue();
                browser.screenshotsAtEveryWidth("two-nodes-signin-email");
                browser.type(field("Email address"), email);
                browser.click(button("Next"));

                // 2. The password.
                browser.waitForPath("/signin/password");
                assertThat(browser.find(link("Back to email address")).isDisplayed()).isTrue();
                assertThat(browser.find(By.cssSelector(".identity svg.avatar")).isDisplayed()).isTrue();
                assertThat(browser.find(By.cssSelector(".identity .email")).getText()).isEqualTo(email);
                assertThat(browser.find(link("Forgot your password?")).isDisplayed()).isTrue();
                browser.screenshotsAtEveryWidth("two-nodes-signin-password");
                browser.type(field("Password"), PASSWORD);
                browser.click(button("Sign in"));

                // 5. The authenticator app's code (the next one: the set-up spent this one).
                browser.waitForPath("/signin/authenticator-code");
                assertThat(browser.text()).contains("Enter the security code that your authenticator app shows.",
                        "Security code", "Use another method");
                assertThat(browser.find(By.cssSelector(".identity .email")).getText()).isEqualTo(email);
                browser.screenshotsAtEveryWidth("two-nodes-signin-authenticator-code");
                browser.type(field("Security code"), phone.codeNow(key, 1));
                browser.click(button("Next"));

                // Back at the application, with a code for it and the state it sent.
                arrival = URI.create(browser.waitForUrlStartingWith(fromTheApp.redirectUri + "?"));
            }
            assertThat(OidcClient.param(arrival, "state")).isEqualTo(fromTheApp.state);

            // Every page and form post went to the other node than the one before, and both served files too.
            List<Forwarded> forwarded = proxy.forwarded();
            List<Forwarded> journey = forwarded.subList(before, forwarded.size());
            List<Forwarded> pages = journey.stream().filter(Forwarded::page).toList();
            assertThat(pages).extracting(Forwarded::request).containsExactly(
                    "GET /oauth2/authorize", "GET /signin", "POST /signin", "GET /signin/password",
                    "POST /signin/password", "GET /signin/authenticator-code", "POST /signin/authenticator-code",
                    "GET /oauth2/authorize");
            for (int i = 1; i < pages.size(); i++) {
                assertThat(pages.get(i).node()).as("%s after %s", pages.get(i), pages.get(i - 1))
                        .isNotEqualTo(pages.get(i - 1).node());
            }
            assertThat(pages).extracting(Forwarded::status).containsExactly(302, 200, 302, 200, 302, 200, 302, 302);
            assertThat(journey).as("no request failed on a node").allSatisfy(f -> assertThat(f.status()).isLessThan(500));
            Map<String, Long> perNode = journey.stream()
                    .collect(Collectors.groupingBy(Forwarded::node, Collectors.counting()));
            assertThat(perNode).containsOnlyKeys(a, b).allSatisfy((node, served) -> assertThat(served).isGreaterThanOrEqualTo(4));

            // The application exchanges its code at the node that did not make it.
            String madeBy = pages.get(pages.size() - 1).node();
            String other = madeBy.equals(a) ? b : a;
            HttpResponse<String> tokens = new HttpAgent(other)
                    .header("Authorization", OidcClient.basic(fromTheApp.clientId, SECRET))
                    .post("/oauth2/token", OidcClient.codeExchange(fromTheApp, OidcClient.param(arrival, "code")));
            assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
            JsonNode idToken = OidcClient.claims(OidcClient.json(tokens).get("id_token").asString());
            assertThat(idToken.get("sub").asString()).isEqualTo(person.id());
            assertThat(idToken.get("iss").asString()).isEqualTo(proxy.url());
            assertThat(idToken.get("nonce").asString()).isEqualTo(fromTheApp.nonce);
        }
    }

    /** The person sets up an authenticator app at a first sign-in (over HTTP, through the proxy); returns its key. */
    private static TotpSecret withAnAuthenticatorApp(RoundRobinProxy proxy, String email, TwoFactorPerson phone) {
        HttpAgent elsewhere = TestPeople.browser(proxy.url());
        elsewhere.follow(elsewhere.get(OidcClient.web().authorizationUrl()));
        elsewhere.post("/signin", Map.of("email", email));
        elsewhere.get("/signin/password");
        HttpResponse<String> prompt = elsewhere.post("/signin/password", Map.of("password", PASSWORD));
        assertThat(HttpAgent.location(prompt)).as(prompt.body()).endsWith("/signin/two-factor");
        return phone.enrol(elsewhere, null).key();
    }
}
