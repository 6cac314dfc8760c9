package se.portvakt.availability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.session.web.http.SessionRepositoryFilter;

import se.portvakt.testing.Eventually;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.TcpProxy;
import se.portvakt.testing.TestDatabase;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TestServer;

/**
 * A node whose PostgreSQL cannot be reached (a proxy between the node and the shared PostgreSQL is cut, so no
 * other test's database goes away): a browser gets a calm 503 page and a program an RFC 6749
 * {@code temporarily_unavailable} with 503 and Retry-After, within a few seconds, never a 500 or a stack trace;
 * when the database is back, the node serves again without a restart. A node started while the database is away
 * waits, says so in the log, and starts when it is back.
 */
@ExtendWith(OutputCaptureExtension.class)
class DatabaseOutageTest {

    private final TcpProxy proxy = new TcpProxy("127.0.0.1", 5432);
    private final TestDatabase database = new TestDatabase.Postgres();
    private final String name = TestDatabase.newName();

    @AfterEach
    void stop() {
        proxy.close();
        database.drop(name);
    }

    @Test
    void duringAnOutageRequestsGetACalm503AndTheNodeRecoversWhenTheDatabaseIsBack() {
        try (TestServer node = TestServer.start(database, name, throughTheProxy())) {
            HttpAgent machine = new HttpAgent(node.issuer())
                    .header("Authorization", OidcClient.basic("test-machine", "test-machine-secret"));
            HttpAgent web = new HttpAgent(node.issuer())
                    .header("Authorization", OidcClient.basic("test-web", "test-web-secret"));
            HttpAgent browser = TestPeople.browser(node.issuer());
            String authorize = OidcClient.web().authorizationUrl();
            assertThat(token(machine).statusCode()).isEqualTo(200);
            assertThat(browser.follow(browser.get(authorize)).statusCode()).as("the sign-in page").isEqualTo(200);
            // A browser with a session (My account asked for before signing in saves itself in one).
            HttpAgent withSession = TestPeople.browser(node.issuer());
            withSession.get("/account");
            assertThat(withSession.cookie("PORTVAKT_SESSION")).isNotNull();

            proxy.cut();

            long start = System.nanoTime();
            HttpResponse<String> token = refresh(web);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(token.statusCode()).isEqualTo(503);
            assertThat(token.headers().firstValue("Retry-After")).isPresent();
            assertThat(token.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            assertThat(OidcClient.json(token).get("error").asString()).isEqualTo("temporarily_unavailable");
            assertThat(took).as("the pool gives up in a few seconds").isLessThan(Duration.ofSeconds(10));
            // A client-credentials token is made from what the node holds (the client, the signing keys) and written
            // nowhere (decision 0054): machines keep getting tokens while the database is away.
            assertThat(token(machine).statusCode()).isEqualTo(200);

            // Before the password a sign-in needs no database (decision 0065): sent to it, the email page and form
            // work during the outage; the password page, which reads the password's limits, is the first to wait.
            assertThat(HttpAgent.location(browser.get(authorize))).endsWith("/signin");
            assertThat(browser.get("/signin").statusCode()).isEqualTo(200);
            assertThat(HttpAgent.location(browser.post("/signin", Map.of("email", "signed.in@example.com"))))
                    .endsWith("/signin/password");
            for (HttpResponse<String> answer : List.of(browser.get("/signin/password"), withSession.get(authorize),
                    withSession.get("/account"))) {
                String page = answer.uri().getPath();
                assertThat(answer.statusCode()).as(page).isEqualTo(503);
                assertThat(answer.headers().firstValue("Retry-After")).as(page).isPresent();
                assertThat(answer.headers().firstValue("Content-Type")).as(page).hasValueSatisfying(
                        type -> assertThat(type).startsWith("text/html"));
                assertThat(answer.body()).as(page).contains("Just a moment")
                        .doesNotContain("Exception", "at se.portvakt", "at org.", "SQL");
            }
            assertThat(browser.get("/css/portvakt.css").statusCode()).as("the page keeps its look").isEqualTo(200);
            HttpResponse<String> password = browser.post("/signin/password", Map.of("password", "a guess"));
            assertThat(password.statusCode()).isEqualTo(503);
            assertThat(password.body()).contains("Just a moment").doesNotContain("Exception");
            assertThat(new HttpAgent(node.issuer()).get("/actuator/health/liveness").statusCode()).isEqualTo(200);

            proxy.restore();

            assertThat(Eventually.holds(() -> refresh(web).statusCode() == 400))
                    .as("the token endpoint reads the database again (an unknown refresh token), without a restart")
                    .isTrue();
            HttpAgent next = TestPeople.browser(node.issuer());
            assertThat(next.follow(next.get(OidcClient.web().authorizationUrl())).statusCode()).isEqualTo(200);
        }
    }

    /**
     * Found by scripts/cluster-faults.sh: the database went away after an answer had been decided (a redirect) and
     * before the request's last write (Spring Session's at the request's end); the exception reached Tomcat, which
     * turned the redirect into a 500. The filter below cuts the proxy at exactly that point and then changes the
     * session, so the browser session's write at the end fails.
     */
    @Test
    void theDatabaseGoneAfterTheAnswerWasDecidedKeepsTheRedirect(CapturedOutput output) {
        try (TestServer node = TestServer.start(database, name, throughTheProxy(), CutAfterTheAnswer.class)) {
            CutAfterTheAnswer.proxy = proxy;
            HttpAgent browser = TestPeople.browser(node.issuer());
            String authorize = OidcClient.web().authorizationUrl();
            // A browser with a session (before the password a sign-in has none, decision 0065: My account's page asked
            // for first makes one), whose request to the authorization endpoint is saved in it.
            browser.get("/account");
            assertThat(browser.follow(browser.get(authorize)).statusCode()).as("the sign-in page").isEqualTo(200);

            HttpResponse<String> answer = browser.header(CutAfterTheAnswer.HEADER, "yes").get(authorize);

            assertThat(proxy.isCut()).as("the filter cut the database away after the answer").isTrue();
            assertThat(answer.statusCode()).as("the redirect decided before the database went away").isEqualTo(302);
            assertThat(HttpAgent.location(answer)).endsWith("/signin");
            assertThat(output.getOut() + output.getErr()).contains("after its answer was decided")
                    .doesNotContain("threw exception");
        } finally {
            CutAfterTheAnswer.proxy = null;
        }
    }

    /** Test beans: a filter inside the browser session's filter that cuts the database after the answer. */
    static class CutAfterTheAnswer {

        static final String HEADER = "X-Test-Cut-Database-After-The-Answer";
        static volatile TcpProxy proxy;

        @Bean
        FilterRegistrationBean<Filter> cutAfterTheAnswer() {
            Filter filter = (request, response, chain) -> {
                chain.doFilter(request, response);
                HttpServletRequest http = (HttpServletRequest) request;
                if (http.getHeader(HEADER) != null && proxy != null && response.isCommitted()) {
                    proxy.cut();
                    http.getSession().setAttribute("test.after-the-answer", System.nanoTime());
                }
            };
            var registration = new FilterRegistrationBean<>(filter);
            registration.setOrder(SessionRepositoryFilter.DEFAULT_ORDER + 1);
            return registration;
        }
    }

    @Test
    void aNodeStartedWhileTheDatabaseIsDownWaitsSaysSoAndStartsWhenItIsBack(CapturedOutput output) throws Exception {
        proxy.cut();
        CompletableFuture<TestServer> starting = CompletableFuture.supplyAsync(
                () -> TestServer.start(database, name, throughTheProxy()));
        try {
            assertThat(Eventually.holds(() -> output.getOut().contains("cannot be reached")))
                    .as("says that it waits").isTrue();
            Thread.sleep(2_000);
            assertThat(starting).as("still waiting").isNotDone();
            assertThat(output.getOut() + output.getErr()).doesNotContain("Exception during pool initialization");

            proxy.restore();

            try (TestServer node = starting.get(60, TimeUnit.SECONDS)) {
                assertThat(new HttpAgent(node.issuer()).get("/.well-known/openid-configuration").statusCode())
                        .isEqualTo(200);
                assertThat(output.getOut()).contains("is reachable; starting");
            }
        } finally {
            proxy.restore();
            if (!starting.isDone()) {
                starting.get(60, TimeUnit.SECONDS).close();
            }
        }
    }

    /**
     * A scheduled task that needs the database (the signing keys' reload, here every second) fails while the database
     * is away: one line at WARN per run, no ERROR with a stack trace, and it works again at its next run after.
     */
    @Test
    void aScheduledTaskDuringAnOutageLogsOneLineAndRunsAgainAfterIt(CapturedOutput output) {
        Map<String, String> settings = new HashMap<>(throughTheProxy());
        settings.put("portvakt.signing-keys.reload-every", "1s");
        settings.put("portvakt.signing-keys.overlap", "2s"); // must be longer than reload-every
        try (TestServer node = TestServer.start(database, name, settings)) {
            assertThat(new HttpAgent(node.issuer()).get("/oauth2/jwks").statusCode()).isEqualTo(200);
            proxy.cut();
            String line = "The database cannot be reached: scheduled task SigningKeys.reload runs again at its next"
                    + " time";
            assertThat(Eventually.holds(() -> output.getOut().contains(line))).as("the reload's failure, in one line")
                    .isTrue();
            proxy.restore();

            assertThat(Eventually.holds(() -> refreshIsRead(node))).as("the node reads the database again").isTrue();
            pause(Duration.ofMillis(3_500)); // a reload that waited for a connection through the restore ends first
            int afterwards = count(output.getOut(), line);
            pause(Duration.ofSeconds(3));
            assertThat(count(output.getOut(), line)).as("the reload runs again, without failing").isEqualTo(afterwards);
            assertThat(output.getOut() + output.getErr())
                    .doesNotContain("Unexpected error occurred in scheduled task", "A scheduled task (");
        }
    }

    private static int count(String text, String line) {
        return text.split(Pattern.quote(line), -1).length - 1;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean refreshIsRead(TestServer node) {
        HttpAgent web = new HttpAgent(node.issuer())
                .header("Authorization", OidcClient.basic("test-web", "test-web-secret"));
        return refresh(web).statusCode() == 400;
    }

    private Map<String, String> throughTheProxy() {
        return Map.of("spring.datasource.url",
                "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test?currentSchema=" + name,
                "logging.level.se.portvakt.availability", "INFO");
    }

    private static HttpResponse<String> token(HttpAgent machine) {
        return machine.post("/oauth2/token", OidcClient.form("grant_type", "client_credentials", "scope", "hr.read"));
    }

    /** A refresh with a token never issued: the token endpoint must read the database to say invalid_grant. */
    private static HttpResponse<String> refresh(HttpAgent web) {
        return web.post("/oauth2/token", OidcClient.form("grant_type", "refresh_token", "refresh_token", "never-issued"));
    }
}
