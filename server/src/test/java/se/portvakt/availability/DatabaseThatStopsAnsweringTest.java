package se.portvakt.availability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import se.portvakt.testing.Eventually;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.TcpProxy;
import se.portvakt.testing.TestDatabase;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TestServer;

/**
 * A PostgreSQL that stops answering instead of refusing (decision 0071): a proxy between the node and PostgreSQL
 * holds everything back in both directions, as a network path that drops packets or a hung host does. Requests in
 * the middle of a statement then, and those after them, get the calm 503 of a database that is away once the socket
 * timeout has passed, not never; the node serves again when answers come back; a node started then waits and says so;
 * and a migration that runs longer than the socket timeout is not cut off by it.
 */
@ExtendWith(OutputCaptureExtension.class)
class DatabaseThatStopsAnsweringTest {

    /** Short timeouts, so that the test waits seconds, not the defaults' 15. */
    private static final Map<String, String> SHORT_TIMEOUTS = Map.of(
            "portvakt.database.socket-timeout", "2s", "portvakt.database.connect-timeout", "2s");
    /** The socket timeout, the pool's 3 s for another connection, and room for a busy machine. */
    private static final Duration ANSWERED_WITHIN = Duration.ofSeconds(15);

    private final TcpProxy proxy = new TcpProxy("127.0.0.1", 5432);
    private final TestDatabase database = new TestDatabase.Postgres();
    private final String name = TestDatabase.newName();

    @AfterEach
    void stop() {
        proxy.close();
        database.drop(name);
    }

    @Test
    void requestsInTheMiddleOfAStatementWhenTheDatabaseStopsAnsweringGetA503AfterTheSocketTimeout() throws Exception {
        try (TestServer node = TestServer.start(database, name, throughTheProxy(SHORT_TIMEOUTS))) {
            HttpAgent browser = TestPeople.browser(node.issuer());
            String authorize = OidcClient.web().authorizationUrl();
            assertThat(browser.follow(browser.get(authorize)).statusCode()).as("the sign-in page").isEqualTo(200);
            assertThat(HttpAgent.location(browser.post("/signin", Map.of("email", "signed.in@example.com"))))
                    .endsWith("/signin/password");

            // Programs asking for tokens back to back, so that connections are in use, and handed on without the
            // pool's check, when the database stops answering.
            ExecutorService programs = Executors.newFixedThreadPool(4);
            List<Future<Duration>> lastAnswers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                lastAnswers.add(programs.submit(() -> untilUnavailable(new HttpAgent(node.issuer())
                        .header("Authorization", OidcClient.basic("test-web", "test-web-secret")))));
            }
            Thread.sleep(500);
            proxy.freeze();

            for (Future<Duration> lastAnswer : lastAnswers) {
                assertThat(lastAnswer.get(60, TimeUnit.SECONDS)).as("the request answered 503").isLessThan(ANSWERED_WITHIN);
            }
            programs.shutdown();
            long start = System.nanoTime();
            HttpResponse<String> page = browser.get("/signin/password");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ANSWERED_WITHIN);
            assertThat(page.statusCode()).isEqualTo(503);
            assertThat(page.headers().firstValue("Retry-After")).isPresent();
            assertThat(page.body()).contains("Just a moment").doesNotContain("Exception", "at se.portvakt", "SQL");
            assertThat(new HttpAgent(node.issuer()).get("/actuator/health/liveness").statusCode()).isEqualTo(200);

            proxy.thaw();

            HttpAgent web = new HttpAgent(node.issuer())
                    .header("Authorization", OidcClient.basic("test-web", "test-web-secret"));
            assertThat(Eventually.holds(() -> refresh(web).statusCode() == 400))
                    .as("the token endpoint reads the database again, without a restart").isTrue();
            assertThat(browser.get("/signin/password").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aNodeStartedWhileTheDatabaseDoesNotAnswerWaitsSaysSoAndStartsWhenItAnswers(CapturedOutput output)
            throws Exception {
        // As in a new JVM: a connection pool that has started sets the driver manager's login timeout for every
        // later connection, and other tests' servers in this JVM have started pools.
        int loginTimeoutBefore = DriverManager.getLoginTimeout();
        DriverManager.setLoginTimeout(0);
        proxy.freeze();
        CompletableFuture<TestServer> starting = CompletableFuture.supplyAsync(
                () -> TestServer.start(database, name, throughTheProxy(SHORT_TIMEOUTS)));
        try {
            assertThat(Eventually.holds(() -> output.getOut().contains("cannot be reached")))
                    .as("says that it waits").isTrue();
            assertThat(starting).as("still waiting").isNotDone();

            proxy.thaw();

            try (TestServer node = starting.get(60, TimeUnit.SECONDS)) {
                assertThat(new HttpAgent(node.issuer()).get("/.well-known/openid-configuration").statusCode())
                        .isEqualTo(200);
                assertThat(output.getOut()).contains("is reachable; starting");
            }
        } finally {
            proxy.thaw();
            DriverManager.setLoginTimeout(loginTimeoutBefore);
            if (!starting.isDone()) {
                starting.get(60, TimeUnit.SECONDS).close();
            }
        }
    }

    @Test
    void aMigrationThatRunsLongerThanTheSocketTimeoutIsNotCutOff() throws SQLException {
        Map<String, String> settings = new HashMap<>(throughTheProxy(Map.of("portvakt.database.socket-timeout", "1s")));
        // The test's own last migration sleeps 3 s in PostgreSQL.
        settings.put("spring.flyway.locations",
                "classpath:db/migration/common,classpath:db/migration/{vendor},classpath:db/slow-migration");
        try (TestServer node = TestServer.start(database, name, settings)) {
            assertThat(new HttpAgent(node.issuer()).get("/.well-known/openid-configuration").statusCode())
                    .isEqualTo(200);
            // Every connection of the pool, the ones Flyway had among them, waits 1 s for an answer again.
            HikariDataSource pool = node.bean(HikariDataSource.class);
            List<Connection> all = new ArrayList<>();
            try {
                for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
                    all.add(pool.getConnection());
                }
                for (Connection connection : all) {
                    assertThat(connection.getNetworkTimeout()).isEqualTo(1_000);
                }
            } finally {
                for (Connection connection : all) {
                    connection.close();
                }
            }
        }
    }

    /**
     * A commit sent just before the database stops answering (found by scripts/cluster-faults.sh with PostgreSQL's
     * processes stopped): it fails after the socket timeout, the pool closes the connection, and Spring's rollback on
     * it fails too and is what it throws. The answer is the calm 503, not a 500.
     */
    @Test
    void aCommitThatGetsNoAnswerIsA503() {
        try (TestServer node = TestServer.start(database, name, throughTheProxy(SHORT_TIMEOUTS), FreezeAtCommit.class)) {
            FreezeAtCommit.proxy = proxy;
            HttpAgent browser = TestPeople.browser(node.issuer());
            assertThat(browser.follow(browser.get(OidcClient.web().authorizationUrl())).statusCode()).isEqualTo(200);
            assertThat(HttpAgent.location(browser.post("/signin", Map.of("email", "signed.in@example.com"))))
                    .endsWith("/signin/password");
            assertThat(browser.get("/signin/password").statusCode()).isEqualTo(200);

            // The password's count in flight is the request's first commit (decision 0013): the database stops
            // answering just before it.
            HttpResponse<String> answer = browser.header(FreezeAtCommit.HEADER, "yes")
                    .post("/signin/password", Map.of("password", "a guess"));

            assertThat(proxy.isFrozen()).as("frozen at the commit").isTrue();
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.body()).contains("Just a moment").doesNotContain("Exception", "at se.portvakt", "SQL");
        } finally {
            FreezeAtCommit.proxy = null;
        }
    }

    /** Test beans: the proxy frozen just before the first commit of a request that asks for it. */
    static class FreezeAtCommit {

        static final String HEADER = "X-Test-Freeze-At-Commit";
        static volatile TcpProxy proxy;

        @Bean
        TransactionExecutionListener freezeAtCommit() {
            return new TransactionExecutionListener() {
                @Override
                public void beforeCommit(TransactionExecution transaction) {
                    if (proxy != null && RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes
                            attributes && attributes.getRequest().getHeader(HEADER) != null) {
                        proxy.freeze();
                    }
                }
            };
        }
    }

    /** Asks for tokens until one is answered 503 (as it must be: the database is away); how long that one took. */
    private static Duration untilUnavailable(HttpAgent program) {
        while (true) {
            long start = System.nanoTime();
            HttpResponse<String> answer = refresh(program);
            if (answer.statusCode() == 503) {
                assertThat(OidcClient.json(answer).get("error").asString()).isEqualTo("temporarily_unavailable");
                return Duration.ofNanos(System.nanoTime() - start);
            }
            assertThat(answer.statusCode()).as("an unknown refresh token, while the database answers").isEqualTo(400);
        }
    }

    private Map<String, String> throughTheProxy(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put("spring.datasource.url", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test?currentSchema=" + name);
        all.put("logging.level.se.portvakt.availability", "INFO");
        return all;
    }

    /** A refresh with a token never issued: the token endpoint must read the database to say invalid_grant. */
    private static HttpResponse<String> refresh(HttpAgent web) {
        return web.post("/oauth2/token", OidcClient.form("grant_type", "refresh_token", "refresh_token", "never-issued"));
    }
}
