package se.portvakt.delivery.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;

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
 * The operator picks the SMS provider with {@code portvakt.sms.provider}; a provider without the settings it needs
 * stops the start with a message that names the missing setting.
 */
class SmsConfigTest {

    @EnableConfigurationProperties(PortvaktProperties.class)
    static class Settings {}

    // Never queried here: the outbox adapter's own test stores into a real database.
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Settings.class, SmsConfig.class)
            .withBean(DevOutbox.class, () -> new DevOutbox(JdbcClient.create(new DriverManagerDataSource("jdbc:h2:mem:unused"))));

    @Test
    void theDevelopmentOutboxIsTheDefaultWhenItIsEnabled() {
        runner.withPropertyValues("portvakt.dev-outbox.enabled=true")
                .run(context -> assertThat(context).getBean(SmsSender.class).isInstanceOf(DevOutboxSmsSender.class));
    }

    @Test
    void withoutAProviderTheServerStartsButNoSmsPretendsToBeSent() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            SmsSender sender = context.getBean(SmsSender.class);
            assertThatThrownBy(() -> sender.send(new SmsMessage("+46701234567", "code 123456")))
                    .isInstanceOf(SmsSender.SmsDeliveryException.class)
                    .hasMessageContaining("no SMS provider configured").hasMessageContaining("portvakt.sms.provider");
        });
    }

    @Test
    void theOutboxChosenWithoutTheDevelopmentOutboxFails() {
        runner.withPropertyValues("portvakt.sms.provider=outbox")
                .run(context -> startupFailure(context).hasMessageContaining("portvakt.sms.provider")
                        .hasMessageContaining("portvakt.dev-outbox.enabled=true"));
    }

    @Test
    void anUnknownProviderFailsListingTheKnownOnes() {
        runner.withPropertyValues("portvakt.sms.provider=carrier-pigeon")
                .run(context -> startupFailure(context).hasMessageContaining("portvakt.sms.provider")
                        .hasMessageContaining("carrier-pigeon").hasMessageContaining("outbox, http, twilio or 46elks"));
    }

    @Test
    void theGenericGatewayIsChosenByProperty() {
        runner.withPropertyValues("portvakt.dev-outbox.enabled=true", "portvakt.sms.provider=http",
                "portvakt.sms.http.url=https://sms.example.com/send")
                .run(context -> assertThat(context).getBean(SmsSender.class).isInstanceOf(GatewaySmsSender.class));
    }

    @Test
    void theGatewayWithoutItsUrlFailsNamingIt() {
        runner.withPropertyValues("portvakt.sms.provider=http")
                .run(context -> startupFailure(context).hasMessageContaining("portvakt.sms.http.url")
                        .hasMessageContaining("must be set when portvakt.sms.provider=http"));
    }

    @Test
    void theGatewayWithAUrlThatIsNotHttpFails() {
        runner.withPropertyValues("portvakt.sms.provider=http", "portvakt.sms.http.url=ftp://sms.example.com/")
                .run(context -> startupFailure(context).hasMessageContaining("portvakt.sms.http.url")
                        .hasMessageContaining("http or https URL"));
    }

    @Test
    void twilioIsChosenByProperty() {
        runner.withPropertyValues("portvakt.sms.provider=twilio", "portvakt.sms.from=+46766860001",
                "portvakt.sms.twilio.account-sid=AC0123456789abcdef0123456789abcdef",
                "portvakt.sms.twilio.auth-token=f00dfacef00dfacef00dfacef00dface")
                .run(context -> assertThat(context).getBean(SmsSender.class).isInstanceOf(TwilioSmsSender.class));
    }

    @Test
    void twilioWithoutEachOfItsSettingsFailsNamingIt() {
        String[] complete = {"portvakt.sms.provider=twilio", "portvakt.sms.from=+46766860001",
                "portvakt.sms.twilio.account-sid=AC0123456789abcdef0123456789abcdef",
                "portvakt.sms.twilio.auth-token=f00dfacef00dfacef00dfacef00dface"};
        for (int missing = 1; missing < complete.length; missing++) {
            String setting = complete[missing].substring(0, complete[missing].indexOf('='));
            runner.withPropertyValues(without(complete, missing))
                    .run(context -> startupFailure(context).hasMessageContaining(setting)
                            .hasMessageContaining("must be set when portvakt.sms.provider=twilio"));
        }
    }

    @Test
    void twilioWithSomethingElseThanAnAccountSidFails() {
        runner.withPropertyValues("portvakt.sms.provider=twilio", "portvakt.sms.from=+46766860001",
                "portvakt.sms.twilio.account-sid=SK0123456789abcdef0123456789abcdef",
                "portvakt.sms.twilio.auth-token=f00dfacef00dfacef00dfacef00dface")
                .run(context -> startupFailure(context).hasMessageContaining("portvakt.sms.twilio.account-sid")
                        .hasMessageContaining("AC and 32 hex digits"));
    }

    @Test
    void aTimeoutThatIsNotPositiveFailsNamingIt() {
        runner.withPropertyValues("portvakt.sms.provider=http", "portvakt.sms.http.url=https://sms.example.com/send",
                "portvakt.sms.read-timeout=0s")
                .run(context -> startupFailure(context).hasMessageContaining("portvakt.sms.read-timeout"));
    }

    /** The settings without the one at {@code index}. */
    static String[] without(String[] settings, int index) {
        return IntStream.range(0, settings.length).filter(i -> i != index)
                .mapToObj(i -> settings[i]).toArray(String[]::new);
    }

    /** The root cause of the failed start, which Spring Boot prints as "Invalid value ... for property ...". */
    static AbstractThrowableAssert<?, ? extends Throwable> startupFailure(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        return assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class);
    }
}
