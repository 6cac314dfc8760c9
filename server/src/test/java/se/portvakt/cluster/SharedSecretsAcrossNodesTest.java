package se.portvakt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.captcha.CaptchaResult;
import se.portvakt.captcha.CaptchaVerifier;
import se.portvakt.testing.CaptchaSolver;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.Race;
import se.portvakt.testing.TestDatabase;
import se.portvakt.testing.TestServer;

/**
 * Two nodes on one PostgreSQL database hold the same proof-of-work key without a setting: a challenge handed out by
 * one passes on the other, once; its replay is refused on either. The key is made once, sealed, even when the
 * nodes ask for it at the same moment. A configured key wins over the stored one.
 */
class SharedSecretsAcrossNodesTest {

    private final TestDatabase database = new TestDatabase.Postgres();
    private final String name = TestDatabase.newName();

    @AfterEach
    void drop() {
        database.drop(name);
    }

    @Test
    void aChallengeFromOneNodePassesOnceOnTheOtherAndAConfiguredKeyWins() {
        try (TestServer a = TestServer.start(database, name); TestServer b = TestServer.start(database, name)) {
            String fromA = CaptchaSolver.solve(new HttpAgent(a.issuer()));
            assertThat(b.bean(CaptchaVerifier.class).verify(fromA, null)).isEqualTo(new CaptchaResult.Passed());
            assertThat(a.bean(CaptchaVerifier.class).verify(fromA, null)).isEqualTo(new CaptchaResult.Failed("replayed"));
            assertThat(b.bean(CaptchaVerifier.class).verify(fromA, null)).isEqualTo(new CaptchaResult.Failed("replayed"));

            String fromB = CaptchaSolver.solve(new HttpAgent(b.issuer()));
            assertThat(a.bean(CaptchaVerifier.class).verify(fromB, null)).isEqualTo(new CaptchaResult.Passed());

            String sealed = a.bean(JdbcClient.class).sql("SELECT sealed FROM shared_secret WHERE name = 'altcha-hmac-key'")
                    .query(String.class).single();
            assertThat(sealed).as("sealed, not the key itself").startsWith("v1:");

            try (TestServer configured = TestServer.start(database, name,
                    Map.of("portvakt.captcha.altcha.hmac-key", "a configured key, the same on every node"))) {
                String fromC = CaptchaSolver.solve(new HttpAgent(configured.issuer()));
                assertThat(a.bean(CaptchaVerifier.class).verify(fromC, null).passed())
                        .as("signed with the configured key, not the stored one").isFalse();
                String fromA2 = CaptchaSolver.solve(new HttpAgent(a.issuer()));
                assertThat(configured.bean(CaptchaVerifier.class).verify(fromA2, null).passed()).isFalse();
            }
        }
    }

    @Test
    void nodesAskingAtTheSameMomentAllGetTheOneSecretThatWasStored() throws Exception {
        try (TestServer a = TestServer.start(database, name)) {
            SharedSecrets secrets = a.bean(SharedSecrets.class);
            List<String> made = Race.run(8, () -> java.util.HexFormat.of().formatHex(secrets.secret("race-test", 32)));

            assertThat(made).hasSize(8).allMatch(made.get(0)::equals);
            assertThat(made.get(0)).hasSize(64);
            assertThat(a.bean(JdbcClient.class).sql("SELECT count(*) FROM shared_secret WHERE name = 'race-test'")
                    .query(Integer.class).single()).isEqualTo(1);
        }
    }
}
