package se.portvakt.housekeeping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.signin.KnownBrowsers;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;

/** What has outlived its use is purged, in batches, by the node holding the lease; what is still needed stays. */
abstract class HousekeepingTest {

    @OnH2
    static class OnEmbeddedDatabase extends HousekeepingTest {}

    @OnPostgres
    static class OnPostgreSql extends HousekeepingTest {}

    @Autowired
    Housekeeping housekeeping;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MeterRegistry meters;

    @Autowired
    KnownBrowsers knownBrowsers;

    @Value("${portvakt.issuer}")
    String issuer;

    private final Instant now = Instant.now();
    private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    /** One kind of row: its table, its key column, and how a row with this key and this time is made. */
    private record Kind(String table, String key, String insert, Duration gone, Duration kept) {}

    @Test
    void expiredRowsOfEachKindGoAndLiveOnesStay() {
        String account = account();
        String device = "d" + run;
        jdbc.sql("""
                INSERT INTO authenticator_device (id, account_id, name, public_jwk, created_at, last_used_at)
                VALUES (:id, :account, 'phone', '{}', :now, :now)
                """).param("id", device).param("account", account).param("now", utc(now)).update();
        List<Kind> kinds = List.of(
                new Kind("signin_flow", "id", """
                        INSERT INTO signin_flow (id, step, continue_url, created_at, expires_at)
                        VALUES (:key, 'IDENTIFY', '/', :now, :at)""", Duration.ofMinutes(-1), Duration.ofMinutes(10)),
                new Kind("sms_code", "id", """
                        INSERT INTO sms_code (id, account_id, purpose, phone, code_hash, code_salt, created_at, expires_at)
                        VALUES (:key, :account, 'SIGN_IN', '+46701234567', 'h', 's', :now, :at)""",
                        Duration.ofDays(-2), Duration.ofHours(-1)),
                new Kind("pending_factor", "kind", """
                        INSERT INTO pending_factor (account_id, kind, created_at, expires_at)
                        VALUES (:account, :key, :now, :at)""", Duration.ofMinutes(-1), Duration.ofMinutes(10)),
                new Kind("push_request", "id", """
                        INSERT INTO push_request (id, account_id, flow_id, shown_number, choices, state, created_at, expires_at)
                        VALUES (:key, :account, 'f', 1, '1,2,3', 'PENDING', :now, :at)""",
                        Duration.ofDays(-31), Duration.ofDays(-29)),
                new Kind("authenticator_pairing", "code_hash", """
                        INSERT INTO authenticator_pairing (code_hash, account_id, flow_id, created_at, expires_at)
                        VALUES (:key, :account, 'f', :now, :at)""", Duration.ofDays(-2), Duration.ofHours(-1)),
                new Kind("authenticator_message", "jti", """
                        INSERT INTO authenticator_message (device_id, jti, seen_at) VALUES ('%s', :key, :at)"""
                        .formatted(device), Duration.ofHours(-1), Duration.ofMinutes(-1)),
                new Kind("known_browser", "mark_hash", """
                        INSERT INTO known_browser (mark_hash, account_id, expires_at) VALUES (:key, :account, :at)""",
                        Duration.ofMinutes(-1), Duration.ofDays(30)),
                new Kind("captcha_spent", "challenge", """
                        INSERT INTO captcha_spent (challenge, expires_at) VALUES (:key, :at)""",
                        Duration.ofMinutes(-1), Duration.ofMinutes(10)),
                new Kind("recovery_token", "token_hash", """
                        INSERT INTO recovery_token (token_hash, kind, account_id, created_at, expires_at)
                        VALUES (:key, 'RESET', :account, :now, :at)""", Duration.ofDays(-31), Duration.ofDays(-29)),
                new Kind("spent_refresh_token", "token_hash", """
                        INSERT INTO spent_refresh_token (token_hash, authorization_id, expires_at)
                        VALUES (:key, 'a', :at)""", Duration.ofMinutes(-1), Duration.ofDays(30)),
                new Kind("revoked_access_token", "jti", """
                        INSERT INTO revoked_access_token (jti, expires_at) VALUES (:key, :at)""",
                        Duration.ofMinutes(-1), Duration.ofMinutes(5)),
                new Kind("attempt_counter", "counter_key", """
                        INSERT INTO attempt_counter (counter_key, window_start, hits, expires_at)
                        VALUES (:key, :now, 1, :at)""", Duration.ofMinutes(-1), Duration.ofMinutes(30)),
                new Kind("audit_event", "event_type", """
                        INSERT INTO audit_event (occurred_at, event_type, outcome) VALUES (:at, :key, 'TEST')""",
                        Duration.ofDays(-401), Duration.ofDays(-399)),
                // A signing key a day after it left the JWK Set (inactive here, so that no node loads this stand-in).
                new Kind("signing_key", "kid", """
                        INSERT INTO signing_key (kid, algorithm, jwk, created_at, active, retire_after)
                        VALUES (:key, 'RS256', 'not a key', :now, FALSE, :at)""",
                        Duration.ofHours(-25), Duration.ofHours(-23)),
                new Kind("oauth2_authorization", "id", """
                        INSERT INTO oauth2_authorization (id, registered_client_id, principal_name, authorization_grant_type,
                            access_token_value, access_token_expires_at, refresh_token_value, refresh_token_expires_at)
                        VALUES (:key, (SELECT id FROM oauth2_registered_client WHERE client_id = 'test-web'), :account,
                            'authorization_code', 'a', :at, 'r', :at)""",
                        Duration.ofDays(-8), Duration.ofHours(-1)));
        for (Kind kind : kinds) {
            insert(kind, "gone", kind.gone(), account);
            insert(kind, "kept", kind.kept(), account);
        }
        // An authorization whose tokens expired an hour ago is kept for a logout with its ID token (above); one with
        // a live refresh token is kept; a request waiting for consent has no token and no expiry: left alone.
        jdbc.sql("""
                INSERT INTO oauth2_authorization (id, registered_client_id, principal_name, authorization_grant_type,
                    access_token_value, access_token_expires_at, refresh_token_value, refresh_token_expires_at)
                VALUES (:id, (SELECT id FROM oauth2_registered_client WHERE client_id = 'test-web'), :account,
                    'authorization_code', 'a', :past, 'r', :future)""")
                .param("id", "refresh" + run).param("account", account)
                .param("past", utc(now.minus(Duration.ofDays(8)))).param("future", utc(now.plus(Duration.ofDays(1))))
                .update();
        jdbc.sql("""
                INSERT INTO oauth2_authorization (id, registered_client_id, principal_name, authorization_grant_type, state)
                VALUES (:id, (SELECT id FROM oauth2_registered_client WHERE client_id = 'test-web'), :account,
                    'authorization_code', 's')""")
                .param("id", "consent" + run).param("account", account).update();
        // An authorization of an application that is no longer registered goes, live tokens and all: none is read.
        jdbc.sql("""
                INSERT INTO oauth2_authorization (id, registered_client_id, principal_name, authorization_grant_type,
                    access_token_value, access_token_expires_at, refresh_token_value, refresh_token_expires_at)
                VALUES (:id, 'no-such-client', :account, 'authorization_code', 'a', :future, 'r', :future)""")
                .param("id", "removed" + run).param("account", account)
                .param("future", utc(now.plus(Duration.ofDays(1))))
                .update();
        String expiredSession = session(now.minusSeconds(60));
        String liveSession = session(now.plusSeconds(600));

        assertThat(housekeeping.runOnce()).as("no other node holds the lease").isTrue();

        for (Kind kind : kinds) {
            assertThat(jdbc.sql("SELECT " + kind.key() + " FROM " + kind.table() + " WHERE " + kind.key() + " IN (:keys)")
                    .param("keys", List.of("gone" + run, "kept" + run)).query(String.class).list())
                    .as(kind.table()).containsExactly("kept" + run);
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM oauth2_authorization WHERE id IN (:ids)")
                .param("ids", List.of("consent" + run, "refresh" + run)).query(Integer.class).single()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM oauth2_authorization WHERE id = :id").param("id", "removed" + run)
                .query(Integer.class).single()).as("of an application no longer registered").isZero();
        assertThat(jdbc.sql("SELECT PRIMARY_ID FROM SPRING_SESSION WHERE PRIMARY_ID IN (:ids)")
                .param("ids", List.of(expiredSession, liveSession)).query(String.class).list()).containsExactly(liveSession);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM SPRING_SESSION_ATTRIBUTES WHERE SESSION_PRIMARY_ID = :id")
                .param("id", expiredSession).query(Integer.class).single()).as("its attributes with it").isZero();
        assertThat(meters.get("portvakt.housekeeping.purged").tag("purge", "signin-flows").counter().count())
                .isGreaterThanOrEqualTo(1);
        assertThat(new HttpAgent(issuer).get("/actuator/prometheus").body())
                .as("what the operator scrapes").containsPattern("portvakt_housekeeping_purged_total\\{[^}]*purge=\"audit-events\"[^}]*} [1-9]");
    }

    @Test
    void aBatchSizeOfTwoPurgesFiveRowsInThreeStatements() {
        String account = account();
        for (int i = 0; i < 5; i++) {
            jdbc.sql("INSERT INTO known_browser (mark_hash, account_id, expires_at) VALUES (:mark, :account, :at)")
                    .param("mark", "batch" + i + run).param("account", account).param("at", utc(now.minusSeconds(60))).update();
        }
        List<Integer> statements = new ArrayList<>();
        Purge counted = new Purge() {
            @Override
            public String name() {
                return "counted";
            }

            @Override
            public int purgeBatch(Instant at, int batchSize) {
                int rows = knownBrowsers.purgeBatch(at, batchSize);
                statements.add(rows);
                return rows;
            }
        };
        MeterRegistry counter = new SimpleMeterRegistry();
        var settings = new PortvaktProperties.Housekeeping(Duration.ofMinutes(5), 2, Duration.ofMillis(10), Duration.ofMinutes(2));

        assertThat(new Housekeeping(List.of(counted), jdbc, settings, counter).runOnce()).isTrue();

        // No other test leaves an expired mark in this database: these five are all there are.
        assertThat(statements).containsExactly(2, 2, 1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM known_browser WHERE mark_hash LIKE :mark").param("mark", "batch%" + run)
                .query(Integer.class).single()).isZero();
        assertThat(counter.get("portvakt.housekeeping.purged").tag("purge", "counted").counter().count())
                .isEqualTo(statements.stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void whileOneNodeHoldsTheLeaseNoOtherTakesIt() {
        HousekeepingLease one = new HousekeepingLease(jdbc, "one" + run, Duration.ofSeconds(30));
        HousekeepingLease two = new HousekeepingLease(jdbc, "two" + run, Duration.ofSeconds(30));
        assertThat(one.take(now)).isTrue();
        try {
            assertThat(two.take(now)).isFalse();
            assertThat(one.take(now.plusSeconds(10))).as("renewed by its holder").isTrue();
            assertThat(two.take(now.plusSeconds(35))).as("still held: renewed at +10 s for 30 s").isFalse();
            assertThat(two.take(now.plusSeconds(41))).as("a holder that stopped renewing loses it").isTrue();
            assertThat(one.take(now.plusSeconds(42))).isFalse();
        } finally {
            one.release();
            two.release();
        }
        assertThat(one.take(now)).as("given up at the end of a run").isTrue();
        one.release();
    }

    private void insert(Kind kind, String prefix, Duration offset, String account) {
        jdbc.sql(kind.insert())
                .param("key", prefix + run)
                .param("account", account)
                .param("now", utc(now))
                .param("at", utc(now.plus(offset)))
                .update();
    }

    private String account() {
        String id = UUID.randomUUID().toString();
        jdbc.sql("INSERT INTO account (id, email, created_at, updated_at) VALUES (:id, :email, :now, :now)")
                .param("id", id).param("email", "housekeeping." + id + "@example.com").param("now", utc(now)).update();
        return id;
    }

    private String session(Instant expires) {
        String id = UUID.randomUUID().toString();
        jdbc.sql("""
                INSERT INTO SPRING_SESSION (PRIMARY_ID, SESSION_ID, CREATION_TIME, LAST_ACCESS_TIME, MAX_INACTIVE_INTERVAL,
                    EXPIRY_TIME) VALUES (:id, :session, :created, :created, 1800, :expires)""")
                .param("id", id).param("session", UUID.randomUUID().toString())
                .param("created", now.minusSeconds(1800).toEpochMilli()).param("expires", expires.toEpochMilli())
                .update();
        jdbc.sql("INSERT INTO SPRING_SESSION_ATTRIBUTES (SESSION_PRIMARY_ID, ATTRIBUTE_NAME, ATTRIBUTE_BYTES) VALUES (:id, 'a', :b)")
                .param("id", id).param("b", new byte[] {1}).update();
        return id;
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
