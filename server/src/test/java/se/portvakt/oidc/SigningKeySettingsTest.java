package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import se.portvakt.config.PortvaktProperties;
import se.portvakt.config.RefusedSetting;
import se.portvakt.testing.TestServer;

/**
 * The rotation's settings (decision 0041): a replaced key stays published as long as the longest-lived token it
 * signed, plus clock leeway, unless the operator says otherwise; settings under which a node could sign with a key
 * that another node does not publish yet stop the start.
 */
class SigningKeySettingsTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void aReplacedKeyStaysAsLongAsTheLongestTokenItSignedPlusLeeway() {
        var defaults = new PortvaktProperties.SigningKeys(HOUR, MINUTE, null, null);

        assertThat(SigningKeys.retireAfter(defaults, Duration.ofMinutes(5))).as("the ID token's 30 minutes + 5")
                .isEqualTo(Duration.ofMinutes(35));
        assertThat(SigningKeys.retireAfter(defaults, Duration.ofHours(2))).as("a longer access token")
                .isEqualTo(Duration.ofMinutes(125));
        assertThat(SigningKeys.retireAfter(new PortvaktProperties.SigningKeys(HOUR, MINUTE, Duration.ZERO, null),
                Duration.ofMinutes(5))).as("the operator's choice, a leaked key say").isZero();
    }

    @Test
    void anOverlapNoLongerThanTheReloadIsRefused() {
        assertThatThrownBy(() -> new PortvaktProperties.SigningKeys(MINUTE, MINUTE, null, null))
                .isInstanceOf(RefusedSetting.class)
                .hasMessageContaining("portvakt.signing-keys.overlap (PT1M) is not longer than");
        assertThatThrownBy(() -> new PortvaktProperties.SigningKeys(HOUR, MINUTE, Duration.ofSeconds(-1), null))
                .isInstanceOf(RefusedSetting.class);
        assertThatThrownBy(() -> new PortvaktProperties.SigningKeys(HOUR, MINUTE, null, HOUR))
                .isInstanceOf(RefusedSetting.class)
                .hasMessageContaining("rotate-every");
        assertThat(new PortvaktProperties.SigningKeys(HOUR, MINUTE, null, Duration.ofDays(90)).rotateEvery())
                .isEqualTo(Duration.ofDays(90));
    }

    @Test
    void aNodeWithSuchSettingsDoesNotStart() {
        assertThatThrownBy(() -> TestServer.onNewH2(Map.of("portvakt.signing-keys.overlap", "30s",
                "portvakt.signing-keys.reload-every", "1m")).close())
                .rootCause()
                .hasMessageContaining("portvakt.signing-keys.overlap (PT30S) is not longer than");
    }
}
