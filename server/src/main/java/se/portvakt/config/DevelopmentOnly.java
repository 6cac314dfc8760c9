package se.portvakt.config;

import java.net.URI;
import java.net.URISyntaxException;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

/**
 * The development outbox and the demo profile show live reset links and SMS codes at {@code /dev/outbox} (and the
 * demo profile publishes its encryption key and passwords): the server refuses to start with either unless the
 * issuer is a loopback {@code http:} address, the one place where only the developer reaches them.
 */
@Configuration(proxyBeanMethods = false)
class DevelopmentOnly {

    DevelopmentOnly(Environment environment, PortvaktProperties properties,
            @Value("${portvakt.dev-outbox.enabled:false}") boolean outboxEnabled) {
        check(outboxEnabled, environment.acceptsProfiles(Profiles.of("demo")), properties.issuer());
    }

    /** Throws {@link RefusedSetting} when the outbox or the demo profile is on and the issuer is not loopback http. */
    static void check(boolean outboxEnabled, boolean demoProfile, String issuer) {
        if ((outboxEnabled || demoProfile) && !loopbackHttp(issuer)) {
            String what = outboxEnabled ? "portvakt.dev-outbox.enabled=true" : "The demo profile (spring.profiles.active)";
            throw new RefusedSetting(what + " shows live reset links and SMS codes at /dev/outbox, but portvakt.issuer is "
                    + issuer + ", not a loopback http: address (localhost, 127.0.0.0/8, [::1]).",
                    "In production set portvakt.dev-outbox.enabled=false, leave out the demo profile, and send mail and"
                            + " SMS for real (spring.mail.host, portvakt.sms.provider). To try Portvakt locally, use an"
                            + " issuer such as http://localhost:8080.");
        }
    }

    static boolean loopbackHttp(String issuer) {
        try {
            URI uri = new URI(issuer);
            String host = uri.getHost();
            return "http".equalsIgnoreCase(uri.getScheme()) && host != null
                    && ("localhost".equalsIgnoreCase(host) || AddressRanges.LOOPBACK.contains(host));
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
