package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;

import java.net.http.HttpResponse;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.ratelimit.AttemptLimiter.Admission;
import se.portvakt.signin.password.PasswordAttempts;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.LimitWindows;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;

/**
 * Journey step 2, "Password", in its transactions (decision 0048): the step's reads and writes are one transaction on
 * either side of the password check, and the check itself holds none. The attempt is counted and committed before the
 * hash is checked, so that every other request (on any node) sees it while the check runs: that is what bounds
 * parallel guessing (decisions 0003 and 0013). It is counted in flight, and becomes a failure only when the password
 * was wrong (decision 0053); when the database goes away before the check's end is written (found by
 * scripts/cluster-faults.sh), the count ends with the in-flight expiry (here 3 seconds, 2 minutes by default), not
 * the window; a check that finds such counts in its way waits for them (here a second, 5 seconds by default), then is
 * answered busy, not locked (decision 0068).
 */
@TestPropertySource(properties = {"portvakt.limits.in-flight-expiry=3s", "portvakt.limits.in-flight-wait=1s"})
abstract class PasswordCheckOutsideTheTransactionTest {

    @OnH2
    static class OnEmbeddedDatabase extends PasswordCheckOutsideTheTransactionTest {}

    @OnPostgres
    static class OnPostgreSql extends PasswordCheckOutsideTheTransactionTest {}

    private static final String PASSWORD = "a long enough password";

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @MockitoSpyBean
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @MockitoSpyBean
    PasswordAttempts attempts;

    @Value("${portvakt.limits.failed-sign-ins-per-account-and-address}")
    int perAccountAndAddress;

    @Value("${portvakt.limits.window}")
    Duration window;

    /** While set, writing a check's end fails as it does when the database cannot be reached. */
    private final AtomicBoolean outage = new AtomicBoolean();

    /**
     * What the hash check saw: whether a transaction was open, and the failures and the checks in flight counted for the
     * email by then.
     */
    record AtCheck(boolean inTransaction, Counted counted) {}

    /** The email's counts (from this address and from everywhere, summed). */
    record Counted(long failures, long inFlight) {}

    @Test
    void theAttemptIsCommittedBeforeThePasswordIsCheckedOutsideAnyTransaction() {
        String email = TestPeople.account(accounts, "outside.tx", hasher.hash(PASSWORD)).email().value();
        List<AtCheck> checks = watchChecks(email);
        HttpAgent browser = TestPeople.browser(issuer);
        atPasswordPage(browser, email);

        HttpResponse<String> wrong = browser.post("/signin/password", Map.of("password", "not the password"));
        HttpResponse<String> right = browser.post("/signin/password", Map.of("password", PASSWORD));

        assertThat(wrong.statusCode()).isEqualTo(200);
        assertThat(HttpAgent.location(right)).doesNotContain("/signin/password");
        // Seen from another connection while each check ran: this email's counts (from this address and from
        // everywhere) were committed, in flight (decision 0053); the wrong password's were failures when the right
        // one was checked.
        assertThat(checks).containsExactly(new AtCheck(false, new Counted(0, 2)), new AtCheck(false, new Counted(2, 2)));
        assertThat(countedFor(email)).as("the right password's check is taken off; the wrong one stays a failure")
                .isEqualTo(new Counted(2, 0));
    }

    @Test
    void rightPasswordsWhoseEndWasLostInAnOutageLockOnlyUntilTheInFlightExpiry() throws InterruptedException {
        LimitWindows.awayFromTheEnd(window, Duration.ofSeconds(30));
        String email = TestPeople.account(accounts, "outage.between", hasher.hash(PASSWORD)).email().value();
        HttpAgent browser = TestPeople.browser(issuer);
        atPasswordPage(browser, email);
        loseTheEndOfEachCheck();

        outage.set(true);
        for (int i = 0; i < perAccountAndAddress; i++) {
            HttpResponse<String> cut = browser.post("/signin/password", Map.of("password", PASSWORD));
            assertThat(cut.statusCode()).as("the calm page of an outage").isEqualTo(503);
        }
        outage.set(false);

        assertThat(countedFor(email)).as("no failure, the checks still in flight")
                .isEqualTo(new Counted(0, 2L * perAccountAndAddress));
        HttpResponse<String> meanwhile = browser.post("/signin/password", Map.of("password", PASSWORD));
        assertThat(meanwhile.body()).as("checks that may be running still bound the next ones; waited for a second, "
                + "they did not end, and no wrong password was seen: busy, not locked (decision 0068)")
                .contains(TooManyAttemptsTest.BUSY).doesNotContain(TooManyAttemptsTest.TOO_MANY);

        Thread.sleep(3_200);

        HttpResponse<String> after = browser.post("/signin/password", Map.of("password", PASSWORD));
        assertThat(HttpAgent.location(after)).as("signed in three seconds later, not a window later")
                .doesNotContain("/signin/password");
        assertThat(countedFor(email).failures()).isZero();
    }

    private void loseTheEndOfEachCheck() {
        doAnswer(call -> {
            if (outage.get()) {
                throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                        new SQLTransientConnectionException("HikariPool-1 - Connection is not available"));
            }
            return call.callRealMethod();
        }).when(attempts).release(any(Admission[].class));
    }

    private List<AtCheck> watchChecks(String email) {
        List<AtCheck> checks = new CopyOnWriteArrayList<>();
        doAnswer(call -> {
            checks.add(new AtCheck(TransactionSynchronizationManager.isActualTransactionActive(), countedFor(email)));
            return call.callRealMethod();
        }).when(hasher).verify(any(), any());
        return checks;
    }

    private Counted countedFor(String email) {
        return jdbc.sql("""
                SELECT COALESCE(SUM(hits), 0), COALESCE(SUM(inflight), 0) FROM attempt_counter WHERE counter_key LIKE :email
                """)
                .param("email", "password.%" + email)
                .query((rs, row) -> new Counted(rs.getLong(1), rs.getLong(2)))
                .single();
    }

    private static void atPasswordPage(HttpAgent browser, String email) {
        browser.get("/signin");
        HttpResponse<String> next = browser.post("/signin", Map.of("email", email));
        assertThat(HttpAgent.location(next)).endsWith("/signin/password");
        browser.get("/signin/password");
    }
}
