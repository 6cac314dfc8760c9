package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.TestDatabase;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TestServer;
import se.portvakt.testing.TwoFactorPerson;

/**
 * The SMS backup with a real SMS gateway behind it (a stand-in on 127.0.0.1 speaking the generic gateway's JSON):
 * when the provider fails, the person is told, keeps what they typed, and sends again; and without any provider
 * SMS is not offered at all.
 */
class SmsProviderTroubleTest {

    private static final String PASSWORD = "a long enough password";
    private static final Pattern CODE = Pattern.compile("\\\\?\"text\\\\?\"\\s*:\\s*\"([0-9]{6}) ");

    private final TestDatabase database = new TestDatabase.H2();
    private final String name = TestDatabase.newName();
    private HttpServer gateway;
    private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startGateway() throws IOException {
        gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/sms", exchange -> {
            try (exchange) {
                received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                Integer status = statuses.poll();
                byte[] body = (status == null || status < 300 ? "{\"id\":\"m1\"}" : "{\"error\":\"gateway down\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status == null ? 200 : status, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        gateway.start();
    }

    @AfterEach
    void stop() {
        gateway.stop(0);
        database.drop(name);
    }

    @Test
    void aFailedSendIsToldAndTheNextOneGoesThrough() {
        statuses.add(503);
        String url = "http://127.0.0.1:" + gateway.getAddress().getPort() + "/sms";
        try (TestServer server = TestServer.start(database, name,
                Map.of("portvakt.sms.provider", "http", "portvakt.sms.http.url", url, "portvakt.dev-outbox.enabled", "false"))) {
            HttpAgent browser = atSmsBackup(server);
            String mobile = TwoFactorPerson.uniqueMobile();

            HttpResponse<String> failed = browser.post("/signin/sms-backup", Map.of("country", "SE", "phone", mobile));
            assertThat(failed.statusCode()).isEqualTo(200);
            assertThat(failed.body()).contains("We could not send the SMS just now. Nothing is lost: try again in a moment.",
                    "value=\"" + mobile + "\"");

            HttpResponse<String> sent = browser.post("/signin/sms-backup", Map.of("country", "SE", "phone", mobile));
            assertThat(HttpAgent.location(sent)).endsWith("/signin/sms-backup-code");
            assertThat(received).hasSize(2);
            assertThat(received.get(1)).contains("\"to\":\"" + TwoFactorPerson.e164(mobile) + "\"");
            Matcher code = CODE.matcher(received.get(1));
            assertThat(code.find()).as(received.get(1)).isTrue();
            HttpResponse<String> saved = browser.post("/signin/sms-backup-code", Map.of("code", code.group(1)));
            assertThat(HttpAgent.location(saved)).endsWith("/signin/emergency-code-save");
        }
    }

    @Test
    void withoutAnSmsProviderTheSetUpGoesFromTheAppToTheEmergencyCode() {
        try (TestServer server = TestServer.start(database, name, Map.of("portvakt.dev-outbox.enabled", "false"))) {
            HttpAgent browser = TestPeople.browser(server.issuer());
            JdbcClient jdbc = server.bean(JdbcClient.class);
            toPrompt(server, browser);
            browser.post("/signin/two-factor", Map.of("action", "enable"));
            browser.post("/signin/get-started", Map.of("action", "other-app")); // 4b, not the push app
            var key = TwoFactorPerson.keyOn(browser.get("/signin/authenticator-setup").body());
            browser.post("/signin/authenticator-setup", Map.of());
            HttpResponse<String> confirmed = browser.post("/signin/authenticator-setup-code",
                    Map.of("code", new TwoFactorPerson(jdbc).codeNow(key, 0)));
            assertThat(HttpAgent.location(confirmed)).endsWith("/signin/emergency-code-save");
            assertThat(received).isEmpty();
        }
    }

    /** A newcomer who has set up the authenticator app and is at "Enable SMS as a backup method". */
    private HttpAgent atSmsBackup(TestServer server) {
        HttpAgent browser = TestPeople.browser(server.issuer());
        toPrompt(server, browser);
        browser.post("/signin/two-factor", Map.of("action", "enable"));
        browser.post("/signin/get-started", Map.of("action", "other-app")); // 4b, not the push app
        var key = TwoFactorPerson.keyOn(browser.get("/signin/authenticator-setup").body());
        browser.post("/signin/authenticator-setup", Map.of());
        HttpResponse<String> confirmed = browser.post("/signin/authenticator-setup-code",
                Map.of("code", new TwoFactorPerson(server.bean(JdbcClient.class)).codeNow(key, 0)));
        assertThat(HttpAgent.location(confirmed)).endsWith("/signin/sms-backup");
        assertThat(browser.get("/signin/sms-backup").statusCode()).isEqualTo(200);
        return browser;
    }

    private static void toPrompt(TestServer server, HttpAgent browser) {
        Account person = TestPeople.newcomer(server.bean(AccountStore.class), "gateway",
                server.bean(PasswordHasher.class).hash(PASSWORD));
        browser.get(HttpAgent.location(browser.get(OidcClient.web().authorizationUrl())));
        browser.post("/signin", Map.of("email", person.email().value()));
        browser.get("/signin/password");
        assertThat(HttpAgent.location(browser.post("/signin/password", Map.of("password", PASSWORD))))
                .endsWith("/signin/two-factor");
    }
}
