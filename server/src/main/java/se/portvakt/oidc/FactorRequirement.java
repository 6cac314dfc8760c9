package se.portvakt.oidc;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

import se.portvakt.client.Clients;

/**
 * What an application asks of the factors behind a code: two factors (a first one confirmed by a second, see
 * {@link AuthenticationMethods}) when it is declared with {@code require-two-factor: true}, else any sign-in.
 * The one place that decides whether a session is enough for a client; a requested {@code acr_values} will add
 * its level here.
 *
 * @param twoFactors true when only a two-factor session may get a code
 */
record FactorRequirement(boolean twoFactors) {

    /** What this registered application asks. */
    static FactorRequirement of(RegisteredClient client) {
        return new FactorRequirement(Clients.requiresTwoFactor(client));
    }

    /** True when the factors this signed-in session passed (its factor authorities) are enough. */
    boolean isMetBy(Authentication session) {
        return !twoFactors || new AuthenticationMethods(session).isTwoFactor();
    }
}
