package se.portvakt.oidc;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How applications are told that a person's session ended (OpenID Connect Back-Channel Logout 1.0, decision 0025);
 * the timeouts of one delivery are {@code delivery.logout.LogoutDeliveryProperties}.
 *
 * @param retryDelays the waits before the second, third, ... attempt: one attempt more than there are delays (the
 *     default, 4 attempts over about 10 minutes, outlasts an application's restart)
 * @param pollInterval how often each node looks for logout tokens due to be sent
 */
@ConfigurationProperties("portvakt.backchannel-logout")
record BackChannelLogoutProperties(
        @DefaultValue({"30s", "2m", "7m"}) List<Duration> retryDelays,
        @DefaultValue("2s") Duration pollInterval) {

    BackChannelLogoutProperties {
        retryDelays = List.copyOf(retryDelays);
    }

    /** Attempts in all before the notice is given up. */
    int attempts() {
        return retryDelays.size() + 1;
    }
}
