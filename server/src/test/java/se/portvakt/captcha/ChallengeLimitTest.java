package se.portvakt.captcha;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.LimitWindows;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestPeople;

/**
 * One client address may fetch a few proof-of-work challenges per window: past the limit it gets 429 with
 * Retry-After and an audit entry, while another address still gets its challenge.
 */
@OnH2
@TestPropertySource(properties = {"portvakt.captcha.altcha.challenges-per-address=3",
        "portvakt.captcha.altcha.challenge-window=1m"})
class ChallengeLimitTest {

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    JdbcClient jdbc;

    @Test
    void anAddressPastItsLimitIsToldToWaitAndAnotherIsNot() {
        LimitWindows.awayFromTheEnd(Duration.ofMinutes(1), Duration.ofSeconds(15));
        String address = TestPeople.uniqueAddress();
        HttpAgent flood = new HttpAgent(issuer).header("X-Forwarded-For", address);
        for (int i = 0; i < 3; i++) {
            assertThat(flood.get("/captcha/challenge").statusCode()).isEqualTo(200);
        }

        HttpResponse<String> refused = flood.get("/captcha/challenge");

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
        assertThat(OidcClient.json(refused).get("error").asString()).isEqualTo("too_many_requests");
        assertThat(refused.body()).doesNotContain("signature");
        assertThat(jdbc.sql("""
                SELECT count(*) FROM audit_event
                WHERE event_type = 'captcha.challenge' AND outcome = 'limited' AND address = :address
                """).param("address", address).query(Integer.class).single()).isEqualTo(1);

        HttpAgent neighbour = new HttpAgent(issuer).header("X-Forwarded-For", TestPeople.uniqueAddress());
        assertThat(neighbour.get("/captcha/challenge").statusCode()).isEqualTo(200);
    }
}
