package se.portvakt.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.springframework.context.support.ResourceBundleMessageSource;
import org.springframework.core.io.ClassPathResource;

/** Every text a person reads exists in English and Swedish, and reads well with its numbers filled in. */
class MessagesTest {

    private final ResourceBundleMessageSource messages = messages();

    @Test
    void bothLanguagesHaveTheSameTexts() throws IOException {
        assertThat(load("messages_sv.properties").stringPropertyNames())
                .containsExactlyInAnyOrderElementsOf(load("messages.properties").stringPropertyNames());
    }

    @Test
    void theLockedMessageSaysMinuteOrMinutes() {
        assertThat(messages.getMessage("signin.locked", new Object[] {1L}, Locale.ENGLISH))
                .isEqualTo("Too many attempts. Try again in 1 minute, or reset your password.");
        assertThat(messages.getMessage("signin.locked", new Object[] {15L}, Locale.ENGLISH))
                .isEqualTo("Too many attempts. Try again in 15 minutes, or reset your password.");
        assertThat(messages.getMessage("signin.locked", new Object[] {1L}, Locale.forLanguageTag("sv")))
                .isEqualTo("För många försök. Försök igen om 1 minut, eller återställ ditt lösenord.");
        assertThat(messages.getMessage("signin.locked", new Object[] {15L}, Locale.forLanguageTag("sv")))
                .isEqualTo("För många försök. Försök igen om 15 minuter, eller återställ ditt lösenord.");
    }

    @Test
    void theSignInLabelsAreTheGuidesWords() {
        assertThat(messages.getMessage("signin.email.label", null, Locale.ENGLISH)).isEqualTo("Email address");
        assertThat(messages.getMessage("signin.next", null, Locale.ENGLISH)).isEqualTo("Next");
        assertThat(messages.getMessage("signin.remember", null, Locale.ENGLISH)).isEqualTo("Save my email address for next time");
        assertThat(messages.getMessage("signin.remember.note", null, Locale.ENGLISH))
                .isEqualTo("Not recommended for public or shared computers");
        assertThat(messages.getMessage("signin.password.label", null, Locale.ENGLISH)).isEqualTo("Password");
        assertThat(messages.getMessage("signin.submit", null, Locale.ENGLISH)).isEqualTo("Sign in");
        assertThat(messages.getMessage("signin.forgot", null, Locale.ENGLISH)).isEqualTo("Forgot your password?");
    }

    @Test
    void theTwoFactorLabelsAreTheGuidesWords() {
        assertThat(messages.getMessage("twofactor.prompt.title", null, Locale.ENGLISH))
                .isEqualTo("Activate two-factor authentication (2FA)");
        assertThat(messages.getMessage("twofactor.prompt.enable", null, Locale.ENGLISH)).isEqualTo("Enable");
        assertThat(messages.getMessage("twofactor.sms-backup.title", null, Locale.ENGLISH))
                .isEqualTo("Enable SMS as a backup method");
        assertThat(messages.getMessage("twofactor.emergency.title", null, Locale.ENGLISH))
                .isEqualTo("Save your one-time emergency code");
        assertThat(messages.getMessage("twofactor.emergency.stored", null, Locale.ENGLISH))
                .isEqualTo("I have safely copied and stored this code.");
        assertThat(messages.getMessage("twofactor.emergency.done", null, Locale.ENGLISH)).isEqualTo("Done");
    }

    @Test
    void theSmsCodeEndsWithTheLineThatLetsPhonesFillItIn() {
        // WebOTP / iOS and Android autofill: the last line is "@<host> #<code>".
        String text = messages.getMessage("sms.code", new Object[] {"123456", 5L, "login.example.com"}, Locale.ENGLISH);
        assertThat(text).startsWith("123456 is your sign-in code.").endsWith("\n\n@login.example.com #123456");
        assertThat(messages.getMessage("sms.code", new Object[] {"123456", 5L, "login.example.com"},
                Locale.forLanguageTag("sv"))).endsWith("\n\n@login.example.com #123456");
    }

    private static ResourceBundleMessageSource messages() {
        ResourceBundleMessageSource source = new ResourceBundleMessageSource();
        source.setBasename("messages");
        source.setDefaultEncoding("UTF-8");
        source.setFallbackToSystemLocale(false);
        return source;
    }

    private static Properties load(String name) throws IOException {
        Properties properties = new Properties();
        try (var reader = new InputStreamReader(new ClassPathResource(name).getInputStream(), StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }
}
