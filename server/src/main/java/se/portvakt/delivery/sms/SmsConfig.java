package se.portvakt.delivery.sms;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import se.portvakt.config.PortvaktProperties;
import se.portvakt.delivery.outbox.DevOutbox;

/**
 * Chooses the SMS adapter in one place, by {@code portvakt.sms.provider}. Without a provider the development outbox
 * is used when it is enabled; otherwise the server still starts (SMS is a backup factor that a deployment may not
 * offer) and every send fails with "no SMS provider configured". A provider that is named but lacks a setting it
 * needs, or has one it cannot work with, stops the start with Spring Boot's report naming the setting.
 */
@Configuration(proxyBeanMethods = false)
class SmsConfig {

    private static final Logger log = LoggerFactory.getLogger(SmsConfig.class);

    @Bean
    SmsSender smsSender(PortvaktProperties properties, DevOutbox outbox,
            @Value("${portvakt.dev-outbox.enabled:false}") boolean outboxEnabled) {
        PortvaktProperties.Sms sms = properties.sms();
        String provider = sms.provider() == null ? "" : sms.provider().trim().toLowerCase(Locale.ROOT);
        if (provider.isEmpty() && outboxEnabled) {
            provider = "outbox";
        }
        return switch (provider) {
            case "outbox" -> {
                if (!outboxEnabled) {
                    throw invalid("portvakt.sms.provider", sms.provider(),
                            "the development outbox needs portvakt.dev-outbox.enabled=true (never in production)");
                }
                log.warn("SMS goes to the development outbox at /dev/outbox; set portvakt.sms.provider for real delivery");
                yield new DevOutboxSmsSender(outbox);
            }
            case "http" -> new GatewaySmsSender(url(sms.http().url(), "portvakt.sms.http.url", provider),
                    present(sms.from()), present(sms.http().token()), api("The SMS gateway", sms));
            case "twilio" -> {
                PortvaktProperties.Sms.Twilio twilio = sms.twilio();
                String accountSid = required(twilio.accountSid(), "portvakt.sms.twilio.account-sid", provider);
                if (!TwilioSmsSender.isAccountSid(accountSid)) {
                    throw invalid("portvakt.sms.twilio.account-sid", accountSid,
                            "it must be the Account SID from the Twilio console: AC and 32 hex digits");
                }
                yield new TwilioSmsSender(url(twilio.baseUrl(), "portvakt.sms.twilio.base-url", provider), accountSid,
                        required(twilio.authToken(), "portvakt.sms.twilio.auth-token", provider),
                        required(sms.from(), "portvakt.sms.from", provider), api("Twilio", sms));
            }
            case "46elks" -> {
                PortvaktProperties.Sms.Elks elks = sms.elks();
                String from = required(sms.from(), "portvakt.sms.from", provider);
                if (!ElksSmsSender.isSender(from)) {
                    throw invalid("portvakt.sms.from", from, "46elks needs a number in E.164 form (+46...) or a name "
                            + "of 3 to 11 letters and digits that starts with a letter");
                }
                yield new ElksSmsSender(url(elks.baseUrl(), "portvakt.sms.elks.base-url", provider),
                        required(elks.username(), "portvakt.sms.elks.username", provider),
                        required(elks.password(), "portvakt.sms.elks.password", provider), from, api("46elks", sms));
            }
            case "" -> {
                log.warn("No SMS provider: set portvakt.sms.provider (http, twilio or 46elks) so SMS codes can be sent");
                yield new SmsSender() {
                    @Override
                    public void send(SmsMessage message) {
                        throw new SmsSender.SmsDeliveryException("no SMS provider configured (portvakt.sms.provider)");
                    }

                    @Override
                    public boolean canSend() {
                        return false;
                    }
                };
            }
            default -> throw invalid("portvakt.sms.provider", sms.provider(), "choose outbox, http, twilio or 46elks");
        };
    }

    private static SmsApi api(String name, PortvaktProperties.Sms sms) {
        return new SmsApi(name, positive(sms.connectTimeout(), "portvakt.sms.connect-timeout"),
                positive(sms.readTimeout(), "portvakt.sms.read-timeout"));
    }

    /** A setting the chosen provider cannot work without. */
    private static String required(String value, String setting, String provider) {
        if (present(value) == null) {
            throw notSet(setting, value, provider);
        }
        return value.trim();
    }

    private static URI url(URI value, String setting, String provider) {
        if (value == null) {
            throw notSet(setting, null, provider);
        }
        if (!value.isAbsolute() || value.getHost() == null
                || !("https".equalsIgnoreCase(value.getScheme()) || "http".equalsIgnoreCase(value.getScheme()))) {
            throw invalid(setting, value, "it must be an http or https URL with a host");
        }
        return value;
    }

    private static Duration positive(Duration value, String setting) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw invalid(setting, value, "it must be a positive duration such as 5s");
        }
        return value;
    }

    /** The value, or null when it is missing or blank (as an empty environment variable gives). */
    private static String present(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static InvalidConfigurationPropertyValueException notSet(String setting, Object value, String provider) {
        return invalid(setting, value, "it is not set, and portvakt.sms.provider=" + provider + " needs it");
    }

    /** Spring Boot reports this at start-up as "Invalid value ... for configuration property ..." with the reason. */
    private static InvalidConfigurationPropertyValueException invalid(String setting, Object value, String reason) {
        return new InvalidConfigurationPropertyValueException(setting, value, reason);
    }
}
