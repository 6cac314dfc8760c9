package se.portvakt.factor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import se.portvakt.config.PortvaktProperties;
import se.portvakt.testing.TestDatabase;

/**
 * The operator's side of the encryption key: without a usable {@code portvakt.factors.encryption-key} the server
 * does not start, and says which setting to set and how to make a key; the environment variable the README
 * names works. Started as Spring Boot starts the server, with only the cipher in the context.
 */
@ExtendWith(OutputCaptureExtension.class)
class EncryptionKeySettingTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(PortvaktProperties.class)
    @Import(SecretCipher.class)
    static class OnlyTheCipher {}

    @Test
    void withoutAKeyTheServerDoesNotStartAndSaysHowToMakeOne(CapturedOutput output) {
        assertThatThrownBy(() -> start(Map.of())).hasRootCauseInstanceOf(UnusableEncryptionKey.class)
                .rootCause().hasMessageContaining("portvakt.factors.encryption-key is not set")
                .hasMessageContaining("openssl rand -base64 32");
        assertThat(output).contains("APPLICATION FAILED TO START", "portvakt.factors.encryption-key is not set",
                "Action:", "openssl rand -base64 32", "PORTVAKT_FACTORS_ENCRYPTION_KEY");
    }

    @Test
    void aKeyOf16BytesIsRefusedWithItsLength() {
        String aes128 = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> start(Map.of("PORTVAKT_FACTORS_ENCRYPTION_KEY", aes128)))
                .rootCause().isInstanceOf(UnusableEncryptionKey.class)
                .hasMessageContaining("portvakt.factors.encryption-key is 16 bytes after base64 decoding, not 32");
    }

    @Test
    void aKeyThatIsNotBase64IsRefused() {
        assertThatThrownBy(() -> start(Map.of("PORTVAKT_FACTORS_ENCRYPTION_KEY", "my secret passphrase of 32 chars")))
                .rootCause().isInstanceOf(UnusableEncryptionKey.class)
                .hasMessageContaining("portvakt.factors.encryption-key is not base64");
    }

    @Test
    void theKeyFromTheEnvironmentVariableIsUsed() {
        byte[] plain = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        String key = TestDatabase.FACTORS_ENCRYPTION_KEY;
        try (ConfigurableApplicationContext context = start(Map.of("PORTVAKT_FACTORS_ENCRYPTION_KEY", key))) {
            String stored = context.getBean(SecretCipher.class).encrypt(plain, "account");
            assertThat(SecretCipherTest.cipherWithKey(key).decrypt(stored, "account")).isEqualTo(plain);
        }
    }

    /** Starts the cipher's context with {@code environment} as the only environment variables. */
    private static ConfigurableApplicationContext start(Map<String, Object> environment) {
        StandardEnvironment settings = new StandardEnvironment();
        settings.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
        return new SpringApplicationBuilder(OnlyTheCipher.class).environment(settings).web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF).logStartupInfo(false).run();
    }
}
