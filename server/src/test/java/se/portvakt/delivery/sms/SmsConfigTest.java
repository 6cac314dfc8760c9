package se.portvakt.delivery.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.Stream;

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
 * The operator picks the SMS provider with {@code portvakt.sms.provider}; a provider without the settings it needs,
 * or with one it cannot work with, stops the start with a message that names the setting.
 */
class SmsConfigTest {

    @EnableConfigurationProperties(PortvaktProperties.class)
    static class Settings {}

    static final String[] GATEWAY = {"portvakt.sms.provider=http", "portvakt.sms.http.url=https://sms.example.com/send"};
    static final String[] TWILIO = {"portvakt.sms.provider=twilio", "portvakt.sms.from=+46766860001",
            "portvakt.sms.twilio.account-sid=AC0123456789abcdef0123456789abcdef",
            "portvakt.sms.twilio.auth-token=f00dfacef00dfacef00dfacef00dface"};
    static final String[] ELKS = {"portvakt.sms.provider=46elks", "portvakt.sms.from=Portvakt",
            "portvakt.sms.elks.username=u2c11ef65b429a8e16ccb1f960d02c734",
            "portvakt.sms.elks.password=C0ACCEEC0FAFE879189DD5D57F6EC348"};

    // The outbox is never written to here: the outbox adapter's own test stores into a real database.
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Settings.class, SmsConfig.class)
            .withBean(DevOutbox.class, () -> new DevOutbox(JdbcClient.create(new DriverManagerDataSource("jdbc:h2:mem:unused"))));

    @Test
    void theDevelopmentOutboxIsTheDefaultWhenItIsEnabled() {
        runner.withPropertyValues("portvakt.dev-outbox.enabled=true")
                .run(context -> {
                    assertThat(context).getBean(SmsSender.class).isInstanceOf(DevOutboxSmsSender.class);
                    assertThat(context.getBean(SmsSender.class).canSend()).isTrue();
                });
    }

    @Test
    void withoutAProviderTheServerStartsButNoSmsPretendsToBeSent() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            SmsSender sender = context.getBean(SmsSender.class);
            assertThat(sender.canSend()).as("SMS is then not offered as a backup").isFalse();
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
    void eachProviderIsChosenByNameEvenWithTheDevelopmentOutboxOn() {
        assertChosen(GATEWAY, GatewaySmsSender.class, "portvakt.dev-outbox.enabled=true");
        assertChosen(TWILIO, TwilioSmsSender.class, "portvakt.dev-outbox.enabled=true");
        assertChosen(ELKS, ElksSmsSender.class, "portvakt.dev-outbox.enabled=true");
    }

    @Test
    void eachProviderWithoutOneOfItsSettingsFailsNamingIt() {
        for (String[] complete : new String[][] {GATEWAY, TWILIO, ELKS}) {
            for (int missing = 1; missing < complete.length; missing++) {
                String setting = complete[missing].substring(0, complete[missing].indexOf('='));
                String[] incomplete = Stream.concat(Arrays.stream(complete, 0, missing),
                        Arrays.stream(complete, missing + 1, complete.length)).toArray(String[]::new);
                runner.withPropertyValues(incomplete)
                        .run(context -> startupFailure(context).hasMessageContaining(setting)
                                .hasMessageContaining("it is not set, and " + complete[0] + " needs it"));
            }
        }
    }

    @Test
    void theGatewayWithAUrlThatIsNotHttpFails() {
        assertInvalid(GATEWAY, "portvakt.sms.http.url=ftp://sms.example.com/", "http or https URL");
    }

    @Test
    void twilioWithSomethingElseThanAnAccountSidFails() {
        assertInvalid(TWILIO, "portvakt.sms.twilio.account-sid=SK0123456789abcdef0123456789abcdef",
                "AC and 32 hex digits");
    }

    @Test
    void fortySixElksWithASenderItCannotDeliverFails() {
        assertInvalid(ELKS, "portvakt.sms.from=Portvakt Login", "3 to 11 letters and digits");
    }

    @Test
    void aTimeoutThatIsNotPositiveFailsNamingIt() {
        assertInvalid(GATEWAY, "portvakt.sms.read-timeout=0s", "positive duration");
    }

    @Test
    void theSettingsNeverShowTheProvidersSecrets() {
        runner.withPropertyValues(TWILIO).withPropertyValues("portvakt.sms.elks.password=C0ACCEEC0FAFE879189DD5D57F6EC348",
                "portvakt.sms.http.token=s3cr3t-gateway-token")
                .run(context -> assertThat(context.getBean(PortvaktProperties.class).sms().toString())
                        .contains("AC0123456789abcdef0123456789abcdef").contains("(set)")
                        .doesNotContain("f00dface").doesNotContain("C0ACCEEC").doesNotContain("s3cr3t"));
    }

    private void assertChosen(String[] settings, Class<? extends SmsSender> adapter, String... more) {
        runner.withPropertyValues(settings).withPropertyValues(more)
                .run(context -> assertThat(context).getBean(SmsSender.class).isInstanceOf(adapter));
    }

    /** Asserts that the settings with {@code invalid} added (or replacing the same setting) fail naming it. */
    private void assertInvalid(String[] settings, String invalid, String reason) {
        String setting = invalid.substring(0, invalid.indexOf('='));
        runner.withPropertyValues(settings).withPropertyValues(invalid)
                .run(context -> startupFailure(context).hasMessageContaining(setting).hasMessageContaining(reason));
    }

    /** The root cause of the failed start, which Spring Boot prints as "Invalid value ... for property ...". */
    private static AbstractThrowableAssert<?, ? extends Throwable> startupFailure(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        return assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class);
    }
}
