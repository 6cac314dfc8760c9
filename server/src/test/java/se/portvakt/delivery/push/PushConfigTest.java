package se.portvakt.delivery.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import se.portvakt.config.PortvaktProperties;
import se.portvakt.delivery.outbox.DevOutbox;

/**
 * The operator picks the push adapter with {@code portvakt.push.provider} and names the server's VAPID contact with
 * {@code portvakt.push.subject}; a value Web Push cannot work with stops the start with a message naming the
 * setting, instead of push services refusing every message later.
 */
class PushConfigTest {

    @EnableConfigurationProperties(PortvaktProperties.class)
    static class Settings {}

    // Neither the outbox nor the database is written to here: the adapters' own tests do that.
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Settings.class, PushConfig.class)
            .withBean(DevOutbox.class, () -> new DevOutbox(JdbcClient.create(new DriverManagerDataSource("jdbc:h2:mem:unused"))))
            .withBean(VapidKeys.class, () -> new VapidKeys(newKey()));

    @Test
    void webPushIsTheDefaultAndTheOutboxWhenItIsEnabled() {
        runner.run(context -> assertThat(context).getBean(PushSender.class).isInstanceOf(WebPushSender.class));
        runner.withPropertyValues("portvakt.dev-outbox.enabled=true")
                .run(context -> assertThat(context).getBean(PushSender.class).isInstanceOf(DevOutboxPushSender.class));
        runner.withPropertyValues("portvakt.dev-outbox.enabled=true", "portvakt.push.provider=web-push")
                .run(context -> assertThat(context).getBean(PushSender.class).isInstanceOf(WebPushSender.class));
    }

    @Test
    void theOutboxChosenWithoutTheDevelopmentOutboxFails() {
        runner.withPropertyValues("portvakt.push.provider=outbox")
                .run(context -> startupFailure(context).hasMessageContaining("portvakt.push.provider")
                        .hasMessageContaining("portvakt.dev-outbox.enabled=true"));
    }

    @Test
    void anUnknownProviderFailsListingTheKnownOnes() {
        runner.withPropertyValues("portvakt.push.provider=fcm")
                .run(context -> startupFailure(context).hasMessageContaining("portvakt.push.provider")
                        .hasMessageContaining("fcm").hasMessageContaining("web-push or outbox"));
    }

    @Test
    void aSubjectThatIsNeitherAMailtoAddressNorAnHttpsUrlFails() {
        for (String subject : new String[] {"admin@example.com", "http://example.com/contact", "mailto:nobody",
                "https://", "mailto:a b@example.com"}) {
            runner.withPropertyValues("portvakt.push.subject=" + subject)
                    .run(context -> startupFailure(context).hasMessageContaining("portvakt.push.subject")
                            .hasMessageContaining("mailto: address or an https: URL"));
        }
    }

    @Test
    void aTimeoutThatIsNotPositiveFails() {
        runner.withPropertyValues("portvakt.push.read-timeout=0s")
                .run(context -> startupFailure(context).hasMessageContaining("portvakt.push.read-timeout"));
    }

    @Test
    void theSubjectIsTheSettingOrTheHttpsIssuerOrAnAddressAtTheIssuersHost() {
        assertThat(PushConfig.subject("mailto:security@example.com", "https://id.example.com"))
                .isEqualTo("mailto:security@example.com");
        assertThat(PushConfig.subject("https://example.com/contact", "http://localhost:8080"))
                .isEqualTo("https://example.com/contact");
        assertThat(PushConfig.subject(null, "https://id.example.com")).isEqualTo("https://id.example.com");
        assertThat(PushConfig.subject(" ", "http://portvakt.internal:8080")).isEqualTo("mailto:postmaster@portvakt.internal");
    }

    @Test
    void theTokenNamesTheSubjectAndThePushServicesOriginOnly() throws Exception {
        Vapid vapid = new Vapid(newKey(), "mailto:security@example.com");
        String authorization = vapid.authorization(URI.create("https://Push.Example.NET:443/wpush/v2/abc?x=1"), Instant.now());
        SignedJWT token = SignedJWT.parse(authorization.substring("vapid t=".length(), authorization.indexOf(',')));
        assertThat(token.getJWTClaimsSet().getSubject()).isEqualTo("mailto:security@example.com");
        assertThat(token.getJWTClaimsSet().getAudience()).containsExactly("https://push.example.net");
        assertThat(Vapid.origin(URI.create("http://127.0.0.1:8090/notify/x"))).isEqualTo("http://127.0.0.1:8090");
    }

    private static ECKey newKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> startupFailure(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        Throwable cause = context.getStartupFailure();
        while (cause != null && !(cause instanceof InvalidConfigurationPropertyValueException)) {
            cause = cause.getCause();
        }
        assertThat(cause).as("the start fails for a setting").isNotNull();
        return assertThat(cause);
    }
}
