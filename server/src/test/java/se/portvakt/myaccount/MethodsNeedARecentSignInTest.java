package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import se.portvakt.account.AccountStore;
import se.portvakt.factor.push.Pairings;
import se.portvakt.myaccount.MethodsPageTest.Person;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;

/**
 * Viewing the two-factor methods needs only the session; every change needs a recent sign-in (decision 0032). The
 * window here is a few seconds (ReauthenticationTest's, so the two share a server).
 */
@TestPropertySource(properties = "portvakt.account.reauthentication-window=" + ReauthenticationTest.WINDOW_SECONDS + "s")
abstract class MethodsNeedARecentSignInTest {

    @OnH2
    static class OnEmbeddedDatabase extends MethodsNeedARecentSignInTest {}

    @OnPostgres
    static class OnPostgreSql extends MethodsNeedARecentSignInTest {}

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Pairings pairings;

    @Test
    void anOlderSignInViewsThePageButIsSentToConfirmBeforeAChange() throws InterruptedException {
        Person person = MethodsPageTest.person(issuer, accounts, hasher, jdbc, pairings, "methods.late",
                OidcClient.web());
        Thread.sleep(ReauthenticationTest.WINDOW_SECONDS * 1000L + 500);

        assertThat(person.browser().get(MethodsPageTest.PAGE).statusCode()).as("viewing").isEqualTo(200);
        for (Map<String, String> change : java.util.List.of(Map.of("action", "off"), Map.of("action", "remove-app"),
                Map.of("action", "remove-device", "device", person.phone().id()))) {
            HttpResponse<String> sent = person.browser().post(MethodsPageTest.PAGE, change);
            assertThat(HttpAgent.location(sent)).as(change.toString()).endsWith("/signin/reauthenticate");
        }
        assertThat(HttpAgent.location(person.browser().get(MethodsPageTest.PAGE + "/emergency-code")))
                .endsWith("/signin/reauthenticate");
        assertThat(HttpAgent.location(person.browser().get(MethodsPageTest.PAGE + "/authenticator")))
                .endsWith("/signin/reauthenticate");
        assertThat(HttpAgent.location(person.browser().post(MethodsPageTest.PAGE + "/authenticator",
                Map.of("code", "123456")))).endsWith("/signin/reauthenticate");
        // Adding or changing the SMS number: both pages and both forms; no text is sent, nothing is set up.
        String mobile = "+46" + se.portvakt.testing.TwoFactorPerson.uniqueMobile().substring(1);
        assertThat(HttpAgent.location(person.browser().get(MethodsPageTest.PAGE + "/sms")))
                .endsWith("/signin/reauthenticate");
        assertThat(HttpAgent.location(person.browser().post(MethodsPageTest.PAGE + "/sms",
                Map.of("country", "SE", "phone", mobile)))).endsWith("/signin/reauthenticate");
        assertThat(HttpAgent.location(person.browser().get(MethodsPageTest.PAGE + "/sms-code")))
                .endsWith("/signin/reauthenticate");
        assertThat(HttpAgent.location(person.browser().post(MethodsPageTest.PAGE + "/sms-code",
                Map.of("code", "123456")))).endsWith("/signin/reauthenticate");
        assertThat(new se.portvakt.testing.TwoFactorPerson(jdbc).textsTo(mobile)).isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM pending_factor WHERE account_id = :a AND kind = 'SMS'")
                .param("a", person.account().id()).query(Integer.class).single()).isZero();
        assertThat(jdbc.sql("SELECT phone FROM account_factor WHERE account_id = :a AND kind = 'SMS'")
                .param("a", person.account().id()).query(String.class).single()).isEqualTo(person.e164());
        for (String path : java.util.List.of(AddDeviceTest.DEVICE, AddDeviceTest.PAIRED)) {
            assertThat(HttpAgent.location(person.browser().post(path, Map.of()))).as(path)
                    .endsWith("/signin/reauthenticate");
        }
        assertThat(HttpAgent.location(person.browser().get(AddDeviceTest.DEVICE))).endsWith("/signin/reauthenticate");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM authenticator_pairing WHERE account_id = :a")
                .param("a", person.account().id()).query(Integer.class).single()).as("no pairing code").isEqualTo(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM account_factor WHERE account_id = :a")
                .param("a", person.account().id()).query(Integer.class).single()).isEqualTo(3);
        assertThat(person.phone().call("/pending", Map.of()).statusCode()).as("still paired").isEqualTo(200);
    }
}
