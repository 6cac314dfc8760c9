package se.portvakt.delivery.push;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.function.SingletonSupplier;

import se.portvakt.config.PortvaktProperties;
import se.portvakt.delivery.outbox.DevOutbox;

/**
 * Chooses the push adapter in one place, by {@code portvakt.push.provider}: Web Push by default, the development
 * outbox when it is enabled and no provider is named. A setting Web Push cannot work with (a VAPID subject that is
 * neither a {@code mailto:} address nor an {@code https:} URL, a timeout that is not positive) stops the start with
 * Spring Boot's report naming the setting.
 */
@Configuration(proxyBeanMethods = false)
class PushConfig {

    private static final Logger log = LoggerFactory.getLogger(PushConfig.class);
    private static final Pattern MAILTO = Pattern.compile("mailto:[^@\\s/]+@[^@\\s/]+");

    @Bean
    PushSender pushSender(PortvaktProperties properties, DevOutbox outbox, VapidKeys vapidKeys,
            @Value("${portvakt.dev-outbox.enabled:false}") boolean outboxEnabled) {
        PortvaktProperties.Push push = properties.push();
        String provider = push.provider() == null ? "" : push.provider().trim().toLowerCase(Locale.ROOT);
        if (provider.isEmpty()) {
            provider = outboxEnabled ? "outbox" : "web-push";
        }
        return switch (provider) {
            case "outbox" -> {
                if (!outboxEnabled) {
                    throw invalid("portvakt.push.provider", push.provider(),
                            "the development outbox needs portvakt.dev-outbox.enabled=true (never in production)");
                }
                log.warn("Push messages go to the development outbox at /dev/outbox; devices find requests by asking");
                yield new DevOutboxPushSender(outbox);
            }
            case "web-push" -> {
                String subject = subject(push.subject(), properties.issuer());
                // The key at the first message: a new database's key is made when first needed (decision 0063).
                yield new WebPushSender(SingletonSupplier.of(() -> new Vapid(vapidKeys.key(), subject)),
                        positive(push.connectTimeout(), "portvakt.push.connect-timeout"),
                        positive(push.readTimeout(), "portvakt.push.read-timeout"), Clock.systemUTC(),
                        push.privateEndpoints());
            }
            default -> throw invalid("portvakt.push.provider", push.provider(), "choose web-push or outbox");
        };
    }

    /**
     * The VAPID {@code sub}: the setting when it is a {@code mailto:} address or an {@code https:} URL; without
     * it the issuer when that is https, else {@code mailto:postmaster@} the issuer's host (fine for a test server;
     * some push services refuse such an address, so a deployment on plain http sets one).
     */
    static String subject(String configured, String issuer) {
        if (configured != null && !configured.isBlank()) {
            String subject = configured.strip();
            if (!MAILTO.matcher(subject).matches() && !isHttpsUrl(subject)) {
                throw invalid("portvakt.push.subject", configured,
                        "it must be a mailto: address or an https: URL (RFC 8292), e.g. mailto:admin@example.com");
            }
            return subject;
        }
        if (isHttpsUrl(issuer)) {
            return issuer;
        }
        String host = URI.create(issuer).getHost();
        String subject = "mailto:postmaster@" + (host == null ? "localhost" : host);
        log.warn("Web Push names {} as this server's contact; set portvakt.push.subject to a real one", subject);
        return subject;
    }

    private static boolean isHttpsUrl(String value) {
        try {
            URI url = new URI(value);
            return "https".equalsIgnoreCase(url.getScheme()) && url.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static Duration positive(Duration value, String setting) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw invalid(setting, value, "it must be a positive duration such as 5s");
        }
        return value;
    }

    /** Spring Boot reports this at start-up as "Invalid value ... for configuration property ..." with the reason. */
    private static InvalidConfigurationPropertyValueException invalid(String setting, Object value, String reason) {
        return new InvalidConfigurationPropertyValueException(setting, value, reason);
    }
}
