package se.portvakt.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.captcha.CaptchaResult;
import se.portvakt.captcha.CaptchaVerifier;
import se.portvakt.testing.CaptchaSolver;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.TestDatabase;
import se.portvakt.testing.TestServer;

/**
 * A secret that every node must hold the same and that a setting gives is refused at start when it differs from
 * the other nodes' on the same database, with a short report naming the setting instead of a node that starts and
 * then fails every other node's challenges, or stops on a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsThatDifferAcrossNodesTest {

    private static final String HMAC_KEY = "portvakt.captcha.altcha.hmac-key";

    private final TestDatabase database = new TestDatabase.Postgres();
    private final String name = TestDatabase.newName();

    @AfterEach
    void drop() {
        database.drop(name);
    }

    @Test
    void aNodeWithAnotherProofOfWorkKeyOrNoneIsRefusedUntilTheOperatorChangesItOnPurpose(CapturedOutput output) {
        try (TestServer a = TestServer.start(database, name, Map.of(HMAC_KEY, "the key every node was given"))) {
            assertThatThrownBy(() -> TestServer.start(database, name, Map.of(HMAC_KEY, "a key given to one node only")))
                    .hasStackTraceContaining(HMAC_KEY + " differs from the one the other nodes");
            assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                    .contains("Set the same value on every node.")
                    .contains("DELETE FROM shared_secret WHERE name = 'altcha-hmac-key-fingerprint'");
            assertThatThrownBy(() -> TestServer.start(database, name))
                    .hasStackTraceContaining(HMAC_KEY + " is not set here, but the other nodes");

            try (TestServer b = TestServer.start(database, name, Map.of(HMAC_KEY, "the key every node was given"))) {
                String fromA = CaptchaSolver.solve(new HttpAgent(a.issuer()));
                assertThat(b.bean(CaptchaVerifier.class).verify(fromA, null)).isEqualTo(new CaptchaResult.Passed());
            }

            String sealed = a.bean(JdbcClient.class)
                    .sql("SELECT sealed FROM shared_secret WHERE name = 'altcha-hmac-key-fingerprint'")
                    .query(String.class).single();
            assertThat(sealed).as("a sealed fingerprint, not the key").startsWith("v1:").doesNotContain("every node");

            // The operator's way to a new key: the fingerprint deleted, the nodes started with the new value.
            a.bean(JdbcClient.class).sql("DELETE FROM shared_secret WHERE name = 'altcha-hmac-key-fingerprint'").update();
        }
        try (TestServer renewed = TestServer.start(database, name, Map.of(HMAC_KEY, "a new key for every node"));
                TestServer other = TestServer.start(database, name, Map.of(HMAC_KEY, "a new key for every node"))) {
            String fromRenewed = CaptchaSolver.solve(new HttpAgent(renewed.issuer()));
            assertThat(other.bean(CaptchaVerifier.class).verify(fromRenewed, null)).isEqualTo(new CaptchaResult.Passed());
        }
    }

    @Test
    void aNodeWithAnotherEncryptionKeyStopsNamingTheSetting(CapturedOutput output) {
        byte[] another = new byte[32];
        java.util.Arrays.fill(another, (byte) 7);
        try (TestServer a = TestServer.start(database, name)) {
            assertThatThrownBy(() -> TestServer.start(database, name,
                    Map.of("portvakt.factors.encryption-key", Base64.getEncoder().encodeToString(another))))
                    .hasStackTraceContaining("was encrypted with another portvakt.factors.encryption-key");
            assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                    .contains("do not open with this node's portvakt.factors.encryption-key")
                    .contains("to the key the other nodes on this database have");
            assertThat(new HttpAgent(a.issuer()).get("/.well-known/openid-configuration").statusCode())
                    .as("the node with the right key serves on").isEqualTo(200);
        }
    }
}
