package se.portvakt.delivery.logout;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long a logout token's delivery may take ({@code portvakt.backchannel-logout.*}; the queue's own settings are
 * read by {@code oidc.BackChannelLogout}).
 *
 * @param connectTimeout how long to wait for the application's server to accept the connection
 * @param readTimeout how long to wait for its answer
 */
@ConfigurationProperties("portvakt.backchannel-logout")
public record LogoutDeliveryProperties(
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("5s") Duration readTimeout) {

    /** The longest a delivery can take before it counts as failed. */
    public Duration longest() {
        return connectTimeout.plus(readTimeout);
    }
}
