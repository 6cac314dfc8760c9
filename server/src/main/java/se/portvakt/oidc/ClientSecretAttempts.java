package se.portvakt.oidc;

import java.util.Set;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.ratelimit.AttemptLimiter;
import se.portvakt.ratelimit.AttemptLimiter.Limit;

/**
 * Limits wrong client secrets per client id and per client address, checked before Spring's secret check: every
 * wrong secret costs an Argon2id check, which waits in the same queue as the people signing in. Past a limit the
 * token, introspection and revocation endpoints answer {@code invalid_client} without hashing until the window
 * ends; a right secret under the limits counts nothing.
 */
final class ClientSecretAttempts implements AuthenticationProvider {

    private static final Set<ClientAuthenticationMethod> SECRET_METHODS = Set.of(
            ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST);
    private static final OAuth2Error TOO_MANY = new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
            "Client authentication failed: too many failed attempts, try again later", null);

    private final AuthenticationProvider secrets;
    private final AttemptLimiter limiter;
    private final AuditLog audit;
    private final Limit perClient;
    private final Limit perAddress;

    /** Wraps Spring's client secret check ({@code ClientSecretAuthenticationProvider}). */
    ClientSecretAttempts(AuthenticationProvider secrets, AttemptLimiter limiter, AuditLog audit,
            PortvaktProperties.Limits limits) {
        this.secrets = secrets;
        this.limiter = limiter;
        this.audit = audit;
        this.perClient = new Limit("client-secret.client", limits.failedClientAuthenticationsPerClient(), limits.window());
        this.perAddress = new Limit("client-secret.address", limits.failedClientAuthenticationsPerAddress(),
                limits.window());
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        var client = (OAuth2ClientAuthenticationToken) authentication;
        if (!SECRET_METHODS.contains(client.getClientAuthenticationMethod())) {
            return secrets.authenticate(authentication);
        }
        String clientId = String.valueOf(client.getPrincipal());
        String address = client.getDetails() instanceof WebAuthenticationDetails details ? details.getRemoteAddress() : "";
        if (blocked(perClient, clientId) || blocked(perAddress, address)) {
            audit.record(new AuditEvent("client.authentication", "locked", null, null, clientId, address, null));
            throw new OAuth2AuthenticationException(TOO_MANY);
        }
        try {
            return secrets.authenticate(authentication);
        } catch (OAuth2AuthenticationException refused) {
            if (OAuth2ErrorCodes.INVALID_CLIENT.equals(refused.getError().getErrorCode())) {
                limiter.record(perClient, clientId);
                limiter.record(perAddress, address);
                audit.record(new AuditEvent("client.authentication", "failure", null, null, clientId, address, null));
            }
            throw refused;
        }
    }

    private boolean blocked(Limit limit, String key) {
        return !limiter.blockedFor(limit, key).isZero();
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return secrets.supports(authentication);
    }
}
