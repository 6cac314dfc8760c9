package se.portvakt.delivery.sms;

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
 * needs stops the start, naming the setting.
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
            case "" -> {
                log.warn("No SMS provider: set portvakt.sms.provider (http, twilio or 46elks) so SMS codes can be sent");
                yield message -> {
                    throw new SmsSender.SmsDeliveryException("no SMS provider configured (portvakt.sms.provider)");
                };
            }
            default -> throw invalid("portvakt.sms.provider", sms.provider(), "choose outbox, http, twilio or 46elks");
        };
    }

    /** Spring Boot reports this at start-up as "Invalid value ... for configuration property ..." with the reason. */
    private static InvalidConfigurationPropertyValueException invalid(String setting, Object value, String reason) {
        return new InvalidConfigurationPropertyValueException(setting, value, reason);
    }
}
