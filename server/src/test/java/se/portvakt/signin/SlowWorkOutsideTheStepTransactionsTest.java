package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.delivery.sms.SmsSender;
import se.portvakt.password.PasswordHasher;
import se.portvakt.signin.flow.SignInFlowStore;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;
import se.portvakt.testing.TwoFactorPerson.Enrolled;

/**
 * The second-factor, set-up and new-password steps in their transactions (decision 0055): what the step writes (its
 * audit rows, the flow's update or the sign-in's end) is one transaction, and its slow work runs with none open: a
 * text's sending, the wait for the flow's code check (it sleeps) with the counts and the code's check, the password
 * hashing, and the end of the account's other sessions (Spring Session's own transactions).
 */
abstract class SlowWorkOutsideTheStepTransactionsTest {

    @OnH2
    static class OnEmbeddedDatabase extends SlowWorkOutsideTheStepTransactionsTest {}

    @OnPostgres
    static class OnPostgreSql extends SlowWorkOutsideTheStepTransactionsTest {}

    private static final String PASSWORD = "a long enough password";
    private static final String NEW_PASSWORD = "another long enough password";

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    JdbcClient jdbc;

    @MockitoSpyBean
    PasswordHasher hasher;

    @MockitoSpyBean
    SmsSender sms;

    @MockitoSpyBean
    SignInFlowStore flows;

    @MockitoSpyBean
    AuditLog audit;

    /** Each watched call, named, and whether a transaction was open when it was made. */
    record Seen(String what, boolean inTransaction) {}

    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void watch() {
        doAnswer(call -> seenThen("text sent", call.callRealMethod())).when(sms).send(any());
        doAnswer(call -> seenThen("code check begun", call.callRealMethod())).when(flows)
                .beginCodeCheck(anyString(), any(), any(), any());
        doAnswer(call -> seenThen("other sign-ins ended", call.callRealMethod())).when(flows)
                .endProvenFlowsOf(anyString(), any(), any());
        doAnswer(call -> seenThen("password checked", call.callRealMethod())).when(hasher).verify(any(), any());
        doAnswer(call -> seenThen("password hashed", call.callRealMethod())).when(hasher).hash(any());
        doAnswer(call -> seenThen("audit " + ((AuditEvent) call.getArgument(0)).type() + " "
                + ((AuditEvent) call.getArgument(0)).outcome(), call.callRealMethod())).when(audit).record(any());
    }

    private Object seenThen(String what, Object result) {
        seen.add(new Seen(what, TransactionSynchronizationManager.isActualTransactionActive()));
        return result;
    }

    @Test
    void settingUpTwoFactorSendsTheTextAndWaitsForEachCodesTurnWithNoTransactionOpen() {
        Account person = TestPeople.newcomer(accounts, "setup.tx", hasher.hash(PASSWORD));
        HttpAgent browser = TestPeople.browser(issuer);
        password(browser, person);
        seen.clear();

        Enrolled enrolled = new TwoFactorPerson(jdbc).enrol(browser, TwoFactorPerson.uniqueMobile());

        assertThat(HttpAgent.location(enrolled.backToApplication())).contains("/oauth2/authorize");
        assertThat(seen).containsExactly(
                // The app's first code: its turn and check outside, the outcome in the step's transaction.
                new Seen("code check begun", false), new Seen("audit factor.added success", true),
                new Seen("audit factor.setup.totp success", true),
                // The SMS backup: the text goes with no transaction open; its code is checked as the app's.
                new Seen("text sent", false), new Seen("audit sms.code success", false),
                new Seen("code check begun", false), new Seen("audit factor.setup.sms success", true),
                new Seen("audit factor.added success", true),
                // The emergency code stored and the sign-in ended, in one transaction.
                new Seen("audit factor.added success", true), new Seen("audit signin success", true));
    }

    @Test
    void signingInWithTheEmergencyCodeChecksItOutsideAndEndsTheSignInInOneTransaction() {
        Account person = TestPeople.newcomer(accounts, "emergency.tx", hasher.hash(PASSWORD));
        HttpAgent setUp = TestPeople.browser(issuer);
        password(setUp, person);
        Enrolled enrolled = new TwoFactorPerson(jdbc).enrol(setUp, null);
        HttpAgent browser = TestPeople.browser(issuer);
        password(browser, person);
        browser.get("/signin/authenticator-code");
        browser.post("/signin/authenticator-code", Map.of("action", "other"));
        assertThat(HttpAgent.location(browser.post("/signin/other-method", Map.of("method", "EMERGENCY_CODE"))))
                .endsWith("/signin/emergency-code");
        seen.clear();

        HttpResponse<String> used = browser.post("/signin/emergency-code", Map.of("code", enrolled.emergencyCode()));
        assertThat(HttpAgent.location(used)).endsWith("/signin/emergency-code-used");
        String page = browser.get("/signin/emergency-code-used").body();
        HttpResponse<String> done = browser.post("/signin/emergency-code-used",
                Map.of("code", TwoFactorPerson.emergencyCodeOn(page), "stored", "on"));

        assertThat(HttpAgent.location(done)).contains("/oauth2/authorize");
        assertThat(seen).containsExactly(new Seen("code check begun", false),
                new Seen("audit signin.emergency-code success", true),
                new Seen("audit factor.added success", true), new Seen("audit signin success", true));
    }

    @Test
    void aNewPasswordIsHashedAndTheOtherSignInsEndedWithNoTransactionOpen() {
        Account person = TestPeople.account(accounts, "newpassword.tx", hasher.hash(PASSWORD));
        jdbc.sql("UPDATE account SET password_change_required = TRUE WHERE id = :id").param("id", person.id()).update();
        HttpAgent browser = TestPeople.browser(issuer);
        assertThat(HttpAgent.location(password(browser, person))).endsWith("/signin/new-password");
        browser.get("/signin/new-password");
        seen.clear();

        HttpResponse<String> chosen = browser.post("/signin/new-password",
                Map.of("password", NEW_PASSWORD, "confirm", NEW_PASSWORD));

        assertThat(HttpAgent.location(chosen)).contains("/oauth2/authorize");
        assertThat(seen).containsExactly(new Seen("password checked", false), new Seen("password hashed", false),
                new Seen("audit password.changed success", true), new Seen("other sign-ins ended", false),
                new Seen("audit signin success", true));
        assertThat(accounts.passwordChangeRequired(person.id())).isFalse();
    }

    private static HttpResponse<String> password(HttpAgent browser, Account person) {
        browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.get("/signin/password");
        HttpResponse<String> response = browser.post("/signin/password", Map.of("password", PASSWORD));
        assertThat(HttpAgent.isRedirect(response)).as(response.body()).isTrue();
        return response;
    }
}
