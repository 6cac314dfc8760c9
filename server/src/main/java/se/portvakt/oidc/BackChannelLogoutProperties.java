package se.portvakt.oidc;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How applications are told that a person's session ended (OpenID Connect Back-Channel Logout 1.0, decision 0025).
 *
 * @param retryDelays the waits before the second, third, ... attempt: one attempt more than there are delays (the
 *     default, 4 attempts over about 10 minutes, outlasts an application's restart)
 * @param pollInterval how often each node looks for logout tokens due to be sent
 * @param connectTimeout how long to wait for the application's server to accept the connection
 * @param readTimeout how long to wait for its answer
 */
@ConfigurationProperties("portvakt.backchannel-logout")
record BackChannelLogoutProperties(
        @DefaultValue({"30s", "2m", "7m"}) List<Duration> retryDelays,
        @DefaultValue("2s") Duration pollInterval,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("5s") Duration readTimeout) {

    BackChannelLogoutProperties {
        retryDelays = List.copyOf(retryDelays);
    }

    /** Attempts in all before the notice is given up. */
    int attempts() {
        return retryDelays.size() + 1;
    }
}
