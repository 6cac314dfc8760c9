package se.portvakt.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import se.portvakt.config.PortvaktProperties;
import se.portvakt.testing.TestServer;

/** The audit log is kept at least as long as My account shows a person their activity: 90 days. */
class AuditRetentionSettingTest {

    @Test
    void aRetentionUnderNinetyDaysStopsTheStart() {
        assertThatThrownBy(() -> TestServer.onNewH2(Map.of("portvakt.audit.retention", "89d")).close())
                .rootCause()
                .hasMessageContaining("portvakt.audit.retention is 89 days")
                .hasMessageContaining("90 days of their activity");
    }

    @Test
    void ninetyDaysAndTheDefaultAreAccepted() {
        assertThat(new PortvaktProperties.Audit(Duration.ofDays(90)).retention()).isEqualTo(Duration.ofDays(90));
        assertThat(PortvaktProperties.Audit.SHOWN).isEqualTo(Duration.ofDays(90));
    }
}
