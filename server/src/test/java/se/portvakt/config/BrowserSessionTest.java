package se.portvakt.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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

/**
 * The browser session's row as a signed-in person uses My account (decision 0047): its last access is written when it
 * moved a minute or more, the idle timeout (30 minutes) still ends the session, what another node does to the row
 * between two requests is seen by the next one, and the ID token's {@code sid} still names the session that made the
 * authorization. The row's times are set in the database, as time passing would.
 */
abstract class BrowserSessionTest {

    @OnH2
    static class OnEmbeddedDatabase extends BrowserSessionTest {}

    @OnPostgres
    static class OnPostgreSql extends BrowserSessionTest {}

    private static final String PASSWORD = "a long enough password";
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Value("${spring.datasource.url}")
    String datasourceUrl;

    private record Row(long lastAccess, long expiry) {}

    @Test
    void aSessionUsedAgainWithinAMinuteIsNotWritten() throws InterruptedException {
        Account anna = person("session.minute");
        HttpAgent browser = signedInAtMyAccount(anna);
        Row afterSignIn = row(anna);

        Thread.sleep(20);
        assertThat(browser.get("/account").statusCode()).isEqualTo(200);
        assertThat(browser.get("/account/sessions").statusCode()).isEqualTo(200);

        assertThat(row(anna)).as("last access and expiry as the sign-in wrote them").isEqualTo(afterSignIn);
        assertThat(afterSignIn.expiry() - afterSignIn.lastAccess()).isEqualTo(TIMEOUT.toMillis());
    }

    @Test
    void aSessionLastWrittenOverAMinuteAgoIsWrittenWithTheNextRequest() {
        Account anna = person("session.written");
        HttpAgent browser = signedInAtMyAccount(anna);
        setLastAccess(anna, Instant.now().minus(Duration.ofSeconds(61)));

        long before = Instant.now().toEpochMilli();
        assertThat(browser.get("/account").statusCode()).isEqualTo(200);

        Row row = row(anna);
        assertThat(row.lastAccess()).isGreaterThanOrEqualTo(before);
        assertThat(row.expiry()).isEqualTo(row.lastAccess() + TIMEOUT.toMillis());
    }

    @Test
    void theIdleTimeoutStillEndsTheSessionAndASessionJustInsideItGoesOn() {
        Account anna = person("session.idle");
        HttpAgent idle = signedInAtMyAccount(anna);
        setLastAccess(anna, Instant.now().minus(TIMEOUT).minusSeconds(1));

        assertThat(HttpAgent.location(idle.get("/account"))).as("idle for 30 minutes").endsWith("/signin");
        assertThat(sessionsOf(anna)).isZero();

        Account bertil = person("session.inside");
        HttpAgent busy = signedInAtMyAccount(bertil);
        setLastAccess(bertil, Instant.now().minus(TIMEOUT).plusSeconds(30));
        long before = Instant.now().toEpochMilli();

        assertThat(busy.get("/account").statusCode()).as("idle for 29.5 minutes").isEqualTo(200);
        assertThat(row(bertil).lastAccess()).as("and written, being over a minute old").isGreaterThanOrEqualTo(before);
    }

    @Test
    void aSessionEndedBetweenTwoRequestsIsSeenByTheNextOne() {
        Account anna = person("session.ended");
        HttpAgent browser = signedInAtMyAccount(anna);
        assertThat(browser.get("/account").statusCode()).isEqualTo(200);

        // As another node's sign-out would: the row goes, and nothing this node read before stands for it.
        jdbc.sql("DELETE FROM SPRING_SESSION WHERE PRINCIPAL_NAME = :a").param("a", anna.id()).update();

        assertThat(HttpAgent.location(browser.get("/account"))).endsWith("/signin");
    }

    @Test
    void signingOutEndsTheSessionInTheSameRequest() {
        Account anna = person("session.signout");
        HttpAgent browser = signedInAtMyAccount(anna);

        HttpResponse<String> out = browser.post("/signout", Map.of());

        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(sessionsOf(anna)).isZero();
        assertThat(HttpAgent.location(browser.get("/account"))).endsWith("/signin");
    }

    @Test
    void theIdTokenNamesTheSessionThatMadeTheAuthorizationAlsoWithinAMinuteOfItsLastWrite() {
        Account anna = person("session.sid");
        HttpAgent office = signedInAtMyAccount(anna);
        String officeSession = jdbc.sql("SELECT SESSION_ID FROM SPRING_SESSION WHERE PRINCIPAL_NAME = :a")
                .param("a", anna.id()).query(String.class).single();
        HttpAgent home = signedInAtMyAccount(anna); // another browser, signed in later

        OidcClient.Request request = OidcClient.web();
        URI callback = OidcClient.authorize(office, request);
        // The other browser makes an authorization after it: the account's most recently used session at the exchange.
        OidcClient.authorize(home, OidcClient.web());
        HttpResponse<String> tokens = new HttpAgent(issuer)
                .header("Authorization", OidcClient.basic("test-web", "test-web-secret"))
                .post("/oauth2/token", OidcClient.codeExchange(request, OidcClient.param(callback, "code")));

        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        assertThat(OidcClient.claims(OidcClient.json(tokens).get("id_token").asString()).get("sid").asString())
                .as("the sid of the session that made the authorization").isEqualTo(OidcClient.sid(officeSession));
    }

    /**
     * Decision 0072: the exchange finds the code's session by its {@code sid}, which the database keeps beside the id
     * as its SHA-256 (a generated column, recomputed when the id changes), however many live sessions the account has.
     */
    @Test
    void theCodesSessionIsFoundByItsSidAmongManyLiveSessionsOfTheAccount() {
        Account anna = person("session.many");
        HttpAgent office = signedInAtMyAccount(anna);
        String officeSession = jdbc.sql("SELECT SESSION_ID FROM SPRING_SESSION WHERE PRINCIPAL_NAME = :a")
                .param("a", anna.id()).query(String.class).single();
        long now = Instant.now().toEpochMilli();
        for (int i = 0; i < 300; i++) {
            jdbc.sql("""
                    INSERT INTO SPRING_SESSION (PRIMARY_ID, SESSION_ID, CREATION_TIME, LAST_ACCESS_TIME,
                        MAX_INACTIVE_INTERVAL, EXPIRY_TIME, PRINCIPAL_NAME) VALUES (:id, :session, :now, :now, 1800, :expires, :a)""")
                    .param("id", UUID.randomUUID().toString()).param("session", UUID.randomUUID().toString())
                    .param("now", now).param("expires", now + TIMEOUT.toMillis()).param("a", anna.id()).update();
        }
        assertThat(jdbc.sql("SELECT SID_HASH FROM SPRING_SESSION WHERE SESSION_ID = :id").param("id", officeSession)
                .query(byte[].class).single()).as("the database's hash is the sid's")
                .isEqualTo(Base64.getUrlDecoder().decode(OidcClient.sid(officeSession)));

        OidcClient.Request request = OidcClient.web();
        URI callback = OidcClient.authorize(office, request);
        HttpResponse<String> tokens = new HttpAgent(issuer)
                .header("Authorization", OidcClient.basic("test-web", "test-web-secret"))
                .post("/oauth2/token", OidcClient.codeExchange(request, OidcClient.param(callback, "code")));

        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        assertThat(OidcClient.claims(OidcClient.json(tokens).get("id_token").asString()).get("sid").asString())
                .isEqualTo(OidcClient.sid(officeSession));

        String renewed = UUID.randomUUID().toString();
        jdbc.sql("UPDATE SPRING_SESSION SET SESSION_ID = :renewed WHERE SESSION_ID = :id")
                .param("renewed", renewed).param("id", officeSession).update();
        assertThat(jdbc.sql("SELECT SID_HASH FROM SPRING_SESSION WHERE SESSION_ID = :id").param("id", renewed)
                .query(byte[].class).single()).as("recomputed with a new id")
                .isEqualTo(Base64.getUrlDecoder().decode(OidcClient.sid(renewed)));
    }

    /**
     * At sign-in the session gets a new id as a new row (session fixation), and the old row is deleted together with
     * the new row's insert when the request ends, in one transaction (decision 0060): the cookie names the new row,
     * the old row is gone once the answer arrives, and on PostgreSQL a trigger sees both changes in one transaction.
     */
    @Test
    void theSessionBeforeTheSignInEndsWithTheNewOnesInsertInOneTransaction() {
        Account anna = person("session.renewed");
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get(HttpAgent.location(browser.get("/account")));
        browser.post("/signin", Map.of("email", anna.email().value()));
        String before = sessionId(browser);
        assertThat(rowsWithId(before)).isOne();
        boolean postgres = datasourceUrl.startsWith("jdbc:postgresql:");
        if (postgres) {
            noteSessionRowChanges();
        }
        try {
            HttpResponse<String> done = browser.post("/signin/password", Map.of("password", PASSWORD));

            assertThat(HttpAgent.location(done)).contains("/account");
            String after = sessionId(browser);
            assertThat(after).as("a new session id").isNotEqualTo(before);
            assertThat(rowsWithId(before)).as("the old row gone with the answer").isZero();
            assertThat(jdbc.sql("SELECT PRINCIPAL_NAME FROM SPRING_SESSION WHERE SESSION_ID = :id").param("id", after)
                    .query(String.class).single()).isEqualTo(anna.id());
            if (postgres) {
                // Only this browser's rows: another test's sessions (or housekeeping's purge) may change meanwhile.
                var changes = jdbc.sql("""
                        SELECT op, session_id, xid FROM session_row_change WHERE session_id IN (:before, :after)
                        ORDER BY op""")
                        .param("before", before).param("after", after)
                        .query((rs, n) -> List.of(rs.getString(1), rs.getString(2), rs.getLong(3))).list();
                assertThat(changes).hasSize(2);
                assertThat(changes.get(0).subList(0, 2)).isEqualTo(List.of("DELETE", before));
                assertThat(changes.get(1).subList(0, 2)).isEqualTo(List.of("INSERT", after));
                assertThat(changes.get(0).get(2)).as("one transaction").isEqualTo(changes.get(1).get(2));
            }
        } finally {
            if (postgres) {
                jdbc.sql("DROP TRIGGER session_row_change ON SPRING_SESSION").update();
                jdbc.sql("DROP FUNCTION note_session_row_change()").update();
                jdbc.sql("DROP TABLE session_row_change").update();
            }
        }
        assertThat(browser.get("/account").statusCode()).isEqualTo(200);
    }

    /** PostgreSQL: each insert and deletion of a session row, with its transaction. */
    private void noteSessionRowChanges() {
        jdbc.sql("CREATE TABLE session_row_change (op VARCHAR(6), session_id VARCHAR(36), xid BIGINT)").update();
        jdbc.sql("""
                CREATE FUNCTION note_session_row_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' THEN
                        INSERT INTO session_row_change VALUES ('DELETE', OLD.session_id, txid_current());
                    ELSE
                        INSERT INTO session_row_change VALUES ('INSERT', NEW.session_id, txid_current());
                    END IF;
                    RETURN NULL;
                END $$""").update();
        jdbc.sql("""
                CREATE TRIGGER session_row_change AFTER INSERT OR DELETE ON SPRING_SESSION
                FOR EACH ROW EXECUTE FUNCTION note_session_row_change()""").update();
    }

    /** The session id in the browser's cookie (Spring Session writes it in base64). */
    private static String sessionId(HttpAgent browser) {
        return new String(Base64.getDecoder().decode(browser.cookie("PORTVAKT_SESSION")), StandardCharsets.UTF_8);
    }

    private long rowsWithId(String sessionId) {
        return jdbc.sql("SELECT COUNT(*) FROM SPRING_SESSION WHERE SESSION_ID = :id").param("id", sessionId)
                .query(Long.class).single();
    }

    private Account person(String who) {
        return TestPeople.account(accounts, who, hasher.hash(PASSWORD));
    }

    private HttpAgent signedInAtMyAccount(Account person) {
        return TestPeople.signedInAtMyAccount(issuer, person, PASSWORD);
    }

    private Row row(Account person) {
        return jdbc.sql("SELECT LAST_ACCESS_TIME, EXPIRY_TIME FROM SPRING_SESSION WHERE PRINCIPAL_NAME = :a")
                .param("a", person.id())
                .query((rs, n) -> new Row(rs.getLong(1), rs.getLong(2)))
                .single();
    }

    private long sessionsOf(Account person) {
        return jdbc.sql("SELECT COUNT(*) FROM SPRING_SESSION WHERE PRINCIPAL_NAME = :a")
                .param("a", person.id())
                .query(Long.class)
                .single();
    }

    private void setLastAccess(Account person, Instant lastAccess) {
        jdbc.sql("""
                UPDATE SPRING_SESSION SET LAST_ACCESS_TIME = :last, EXPIRY_TIME = :expiry WHERE PRINCIPAL_NAME = :a""")
                .param("last", lastAccess.toEpochMilli())
                .param("expiry", lastAccess.plus(TIMEOUT).toEpochMilli())
                .param("a", person.id())
                .update();
    }
}
