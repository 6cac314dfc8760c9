package se.portvakt.oidc;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

import se.portvakt.client.Clients;

/**
 * What an application asks of the factors behind a code: two factors (a first one confirmed by a second, see
 * {@link AuthenticationMethods}) when it is declared with {@code require-two-factor: true} or when its request
 * asks for {@code urn:portvakt:acr:2fa} in {@code acr_values}, else any sign-in. The one place that decides
 * whether a session is enough for a request; the authorization endpoint asks it ({@link MissingFactors}), and so
 * does the sign-in, of the same saved request, so that the two never disagree about "Remind me later".
 *
 * <p>{@code acr_values} (OpenID Connect Core 3.1.2.1, and RFC 9470 for plain OAuth) is a space-separated list in
 * order of preference; the first value Portvakt supports counts, values it does not know are skipped, and a list
 * with none it knows asks nothing more than the application's registration: the values are voluntary unless the
 * {@code acr} claim is asked as essential with the {@code claims} parameter, which Portvakt does not support
 * (decision 0027). A request can only raise the level: {@code urn:portvakt:acr:1fa} does not lift the
 * registration's {@code require-two-factor}.
 *
 * @param twoFactors true when only a two-factor session may get a code
 */
public record FactorRequirement(boolean twoFactors) {

    /** The authorization request parameter that asks for a level. */
    public static final String ACR_VALUES = "acr_values";

    private static final List<String> SUPPORTED = List.of(AuthenticationMethods.ACR_ONE_FACTOR,
            AuthenticationMethods.ACR_TWO_FACTORS);

    /**
     * What an authorization request asks: {@code applicationRequiresTwoFactors} from the application's registration,
     * {@code acrValues} as the request carries it (null when absent).
     */
    public static FactorRequirement of(boolean applicationRequiresTwoFactors, String acrValues) {
        return new FactorRequirement(applicationRequiresTwoFactors
                || preferredAcr(acrValues).filter(AuthenticationMethods.ACR_TWO_FACTORS::equals).isPresent());
    }

    /** What this registered application asks with this request's {@code acr_values} (null when absent). */
    static FactorRequirement of(RegisteredClient client, String acrValues) {
        return of(Clients.requiresTwoFactor(client), acrValues);
    }

    /** The first value of the list that Portvakt supports, if any. */
    static Optional<String> preferredAcr(String acrValues) {
        return acrValues == null ? Optional.empty()
                : Arrays.stream(acrValues.split(" ")).filter(SUPPORTED::contains).findFirst();
    }

    /** True when the factors this signed-in session passed (its factor authorities) are enough. */
    boolean isMetBy(Authentication session) {
        return !twoFactors || new AuthenticationMethods(session).isTwoFactor();
    }
}
