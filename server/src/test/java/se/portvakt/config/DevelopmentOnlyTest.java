package se.portvakt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import se.portvakt.testing.TestServer;

/** The dev outbox and the demo profile, which show live links and codes, start only on a loopback http: issuer. */
class DevelopmentOnlyTest {

    @Test
    void theOutboxWithAPublicIssuerStopsTheStartNamingBothSettings() {
        assertThatThrownBy(() -> TestServer.onNewH2(
                Map.of("portvakt.dev-outbox.enabled", "true", "portvakt.issuer", "https://id.example.com")).close())
                .rootCause()
                .isInstanceOf(RefusedSetting.class)
                .hasMessageContaining("portvakt.dev-outbox.enabled=true")
                .hasMessageContaining("portvakt.issuer is https://id.example.com");
    }

    @Test
    void theDemoProfileWithAPublicIssuerStopsTheStart() {
        assertThatThrownBy(() -> TestServer.onNewH2(
                Map.of("spring.profiles.active", "demo", "portvakt.dev-outbox.enabled", "false",
                        "portvakt.issuer", "http://id.example.com")).close())
                .rootCause()
                .isInstanceOf(RefusedSetting.class)
                .hasMessageContaining("demo profile")
                .hasMessageContaining("portvakt.issuer is http://id.example.com");
    }

    @Test
    void onlyLoopbackHttpIssuersAreLocal() {
        assertThat(DevelopmentOnly.loopbackHttp("http://localhost:8080")).isTrue();
        assertThat(DevelopmentOnly.loopbackHttp("http://127.0.0.1:8080")).isTrue();
        assertThat(DevelopmentOnly.loopbackHttp("http://127.3.2.1")).isTrue();
        assertThat(DevelopmentOnly.loopbackHttp("http://[::1]:8080")).isTrue();
        assertThat(DevelopmentOnly.loopbackHttp("https://localhost:8443")).as("not what the demo runs on").isFalse();
        assertThat(DevelopmentOnly.loopbackHttp("http://id.example.com")).isFalse();
        assertThat(DevelopmentOnly.loopbackHttp("http://localhost.example.com")).isFalse();
        assertThat(DevelopmentOnly.loopbackHttp("http://10.0.0.1:8080")).isFalse();
        assertThat(DevelopmentOnly.loopbackHttp("http://0.0.0.0:8080")).isFalse();
        assertThat(DevelopmentOnly.loopbackHttp("not a url")).isFalse();
    }

    @Test
    void withoutOutboxOrDemoAnyIssuerStarts() {
        DevelopmentOnly.check(false, false, "https://id.example.com");
    }
}
