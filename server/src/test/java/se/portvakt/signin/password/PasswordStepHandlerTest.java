package se.portvakt.signin.password;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.account.EmailAddress;
import se.portvakt.audit.AuditLog;
import se.portvakt.captcha.CaptchaVerifier;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.password.PasswordHasher;
import se.portvakt.ratelimit.AttemptLimiter;
import se.portvakt.signin.flow.PassedFactor;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInMetrics;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;
import se.portvakt.signin.twofactor.TwoFactorRoute;
import se.portvakt.testing.LimitWindows;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.Race;
import se.portvakt.testing.TestPeople;

/**
 * The password step's handler on its own (real database, no HTTP): what it decides, and how much hashing work
 * each answer costs, which HTTP round trips would hide.
 */
abstract class PasswordStepHandlerTest {

    @OnH2
    static class OnEmbeddedDatabase extends PasswordStepHandlerTest {}

    @OnPostgres
    static class OnPostgreSql extends PasswordStepHandlerTest {}

    private static final Duration WINDOW = Duration.ofMinutes(15);

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    AttemptLimiter limiter;

    @Autowired
    AuditLog audit;

    @Autowired
    SignInMetrics metrics;

    @Autowired
    PortvaktProperties properties;

    @Autowired
    TwoFactorRoute route;

    @Autowired
    CaptchaVerifier captcha;

    /** Counts every password check, so a test can see that none was made. */
    static final class CountingHasher extends PasswordHasher {
        final AtomicInteger verifications = new AtomicInteger();

        @Override
        public Verification verify(String rawPassword, String storedHash) {
            verifications.incrementAndGet();
            return super.verify(rawPassword, storedHash);
        }
    }

    @Test
    void theRightPasswordPassesTheFactorAndFinishesTheFlow() {
        Account person = TestPeople.account(accounts, "handler.right", hasher.hash("a long enough password"));
        PasswordStep step = step(hasher, 10);

        StepResult result = step.submit(flowFor(person.email()), context(), Map.of("password", "a long enough password"));

        assertThat(result).isInstanceOf(StepResult.Advance.class);
        SignInFlow done = ((StepResult.Advance) result).flow();
        assertThat(done.step()).isEqualTo(Step.DONE);
        assertThat(done.accountId()).isEqualTo(person.id());
        assertThat(done.passedFactors()).extracting(PassedFactor::authority).containsExactly("FACTOR_PASSWORD");
    }

    @Test
    void aWrongPasswordIsRejectedWithTheGenericMessageAndCounted() {
        Account person = TestPeople.account(accounts, "handler.wrong", hasher.hash("a long enough password"));
        PasswordStep step = step(hasher, 10);

        StepResult result = step.submit(flowFor(person.email()), context(), Map.of("password", "nope"));

        assertThat(result).isInstanceOf(StepResult.Rejected.class);
        assertThat(((StepResult.Rejected) result).messageKey()).isEqualTo("signin.password.invalid");
        assertThat(((StepResult.Rejected) result).flow().attempts()).isEqualTo(1);
        assertThat(((StepResult.Rejected) result).flow().accountId()).as("no account is revealed to the flow").isNull();
    }

    @Test
    void aLockedEmailIsRefusedWithoutAnyHashWorkAndElsewhereAsksForTheProofOfWork() {
        Account person = TestPeople.account(accounts, "handler.locked", hasher.hash("a long enough password"));
        CountingHasher counting = new CountingHasher();
        PasswordStep step = step(counting, 3);
        // All attempts in one fixed window: start afresh when this one ends within seconds.
        long left = WINDOW.toMillis() - System.currentTimeMillis() % WINDOW.toMillis();
        if (left < 10_000) {
            sleep(left + 100);
        }
        SignInFlow flow = flowFor(person.email());
        StepContext from = context();
        for (int i = 0; i < 3; i++) {
            assertThat(step.submit(flow, from, Map.of("password", "guess " + i))).isInstanceOf(StepResult.Rejected.class);
        }
        assertThat(counting.verifications).hasValue(3);

        StepResult result = step.submit(flow, from, Map.of("password", "a long enough password"));
        StepResult elsewhere = step.submit(flow, context(), Map.of("password", "a long enough password"));

        assertThat(result).isInstanceOf(StepResult.Locked.class);
        assertThat(((StepResult.Locked) result).retryAfter()).isPositive().isLessThanOrEqualTo(properties.limits().window());
        assertThat(elsewhere).as("from another address: the proof of work is asked for").isInstanceOf(StepResult.Rejected.class);
        assertThat(((StepResult.Rejected) elsewhere).messageKey()).isEqualTo("signin.captcha.required");
        assertThat(counting.verifications).as("no password was checked while locked or without the proof").hasValue(3);
    }

    @Test
    void wrongPasswordsSubmittedAtOnceAreCheckedOnlyUpToTheLimit() throws Exception {
        Account person = TestPeople.account(accounts, "handler.burst", hasher.hash("a long enough password"));
        CountingHasher counting = new CountingHasher();
        PasswordStep step = step(counting, 3);
        LimitWindows.awayFromTheEnd(WINDOW, Duration.ofSeconds(30));
        SignInFlow flow = flowFor(person.email());
        StepContext from = context();

        List<StepResult> results = Race.run(50, () -> step.submit(flow, from, Map.of("password", "a guess")));

        assertThat(counting.verifications).as("passwords checked").hasValueBetween(1, 3);
        assertThat(results).filteredOn(StepResult.Locked.class::isInstance).hasSize(50 - counting.verifications.get());
    }

    @Test
    void unknownEmailsAndAccountsWithoutPasswordCostTheSameHashWorkAsAWrongPassword() {
        Account withPassword = TestPeople.account(accounts, "timing.known", hasher.hash("a long enough password"));
        Account withoutPassword = TestPeople.account(accounts, "timing.nopassword", null);
        PasswordStep step = step(hasher, 1_000);
        List<Long> known = new ArrayList<>();
        List<Long> unknown = new ArrayList<>();
        List<Long> noPassword = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            known.add(time(step, withPassword.email()));
            unknown.add(time(step, new EmailAddress(TestPeople.uniqueEmail("timing.unknown"))));
            noPassword.add(time(step, withoutPassword.email()));
        }

        // One Argon2id check dominates each answer; without it an answer takes a small fraction of the time.
        // Interleaved medians under the same load, with a wide margin: robust on a busy machine.
        assertThat(median(unknown)).as("unknown email vs wrong password, ns").isGreaterThan(median(known) / 2);
        assertThat(median(noPassword)).as("no password vs wrong password, ns").isGreaterThan(median(known) / 2);
    }

    /**
     * An account imported with a bcrypt hash (the bootstrap's, not yet signed in) costs its bcrypt check; while
     * such hashes exist, an unknown email and a native account cost the same work, or timing would name the
     * imported accounts.
     */
    @Test
    void anImportedBcryptAccountCostsTheSameHashWorkAsAnUnknownEmailAndANativeAccount() {
        Account imported = accounts.findByEmail(new EmailAddress("imported.bcrypt@example.com")).orElseThrow();
        assertThat(imported.passwordHash()).hasValueSatisfying(hash -> assertThat(hash).startsWith("{bcrypt}$2a$10$"));
        Account withPassword = TestPeople.account(accounts, "timing.native", hasher.hash("a long enough password"));
        PasswordStep step = step(hasher, 1_000);
        List<Long> bcrypt = new ArrayList<>();
        List<Long> unknown = new ArrayList<>();
        List<Long> known = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            bcrypt.add(time(step, imported.email()));
            unknown.add(time(step, new EmailAddress(TestPeople.uniqueEmail("timing.unknown"))));
            known.add(time(step, withPassword.email()));
        }

        // bcrypt at cost 10 takes several times one Argon2id check: without the same work on the other paths,
        // the imported account's median is more than twice theirs.
        assertThat(median(unknown)).as("unknown email vs imported bcrypt account, ns").isGreaterThan(median(bcrypt) / 2);
        assertThat(median(known)).as("native account vs imported bcrypt account, ns").isGreaterThan(median(bcrypt) / 2);
        assertThat(median(bcrypt)).as("imported bcrypt account vs unknown email, ns").isGreaterThan(median(unknown) / 2);
    }

    private long time(PasswordStep step, EmailAddress email) {
        SignInFlow flow = flowFor(email);
        StepContext context = context();
        long start = System.nanoTime();
        StepResult result = step.submit(flow, context, Map.of("password", "a wrong password"));
        long elapsed = System.nanoTime() - start;
        assertThat(result).isInstanceOf(StepResult.Rejected.class);
        return elapsed;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private PasswordStep step(PasswordHasher passwordHasher, int perAccount) {
        var limits = new PortvaktProperties.Limits(perAccount, perAccount, 1_000, WINDOW, 20, 50,
                properties.limits().inFlightExpiry(), properties.limits().inFlightWait());
        var settings = new PortvaktProperties(properties.issuer(), null, properties.password(), properties.signin(), limits,
                properties.tokens(), properties.recovery(), properties.factors(), properties.sms(),
                properties.twoFactor(), properties.authenticator(), properties.push(), properties.geoip(),
                properties.housekeeping(), properties.audit(), properties.account(), properties.signingKeys());
        return new PasswordStep(accounts, passwordHasher, new PasswordAttempts(limiter, settings), audit, metrics, route,
                captcha);
    }

    private static SignInFlow flowFor(EmailAddress email) {
        Instant now = Instant.now();
        return new SignInFlow("test-" + java.util.UUID.randomUUID(), Step.PASSWORD, email, null, "test-web", "/", List.of(),
                0, now, now.plus(Duration.ofMinutes(15)));
    }

    /** A request from an address of its own. */
    private static StepContext context() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/signin/password");
        request.setRemoteAddr(TestPeople.uniqueAddress());
        return new StepContext(request, new MockHttpServletResponse());
    }
}
