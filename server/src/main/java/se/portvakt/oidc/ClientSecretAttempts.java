package se.portvakt.oidc;

import java.time.Duration;
import java.util.List;
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
import se.portvakt.client.Clients;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.ratelimit.AttemptLimiter;
import se.portvakt.ratelimit.AttemptLimiter.Admission;
import se.portvakt.ratelimit.AttemptLimiter.Counted;
import se.portvakt.ratelimit.AttemptLimiter.Limit;

/**
 * Limits wrong client secrets per client id and client address together, and per client address, counted before
 * Spring's secret check: every wrong secret costs an Argon2id check, which waits in the same queue as the people
 * signing in. Past a limit the token, introspection and revocation endpoints answer {@code invalid_client} without
 * hashing until the window ends. Counting the client id with the address means a stranger who knows a client id
 * (web applications show theirs in every authorization request) locks out only their own address, not the
 * application. A secret found right a short while ago (decision 0006) costs no hash and is no guess: it is let
 * through uncounted, so a machine client that calls often is never slowed by the counters.
 *
 * <p>A check is counted in flight while Spring checks the secret, and becomes a failure only when the secret was wrong
 * (as the passwords', decision 0053). A check refused only because the checks running beside it fill a limit waits
 * for them, up to {@code portvakt.limits.in-flight-wait} (decision 0068): an application's backend sends its token
 * requests from one address, many at once at peak, and before its secret is remembered on a node each one is checked.
 */
final class ClientSecretAttempts implements AuthenticationProvider {

    private static final Set<ClientAuthenticationMethod> SECRET_METHODS = Set.of(
            ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST);
    private static final OAuth2Error TOO_MANY = new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
            "Client authentication failed: too many failed attempts, try again later", null);

    private final AuthenticationProvider secrets;
    private final Clients clients;
    private final AttemptLimiter limiter;
    private final AuditLog audit;
    private final Limit perClientAndAddress;
    private final Limit perAddress;
    private final Duration inFlightWait;

    /** Wraps Spring's client secret check ({@code ClientSecretAuthenticationProvider}). */
    ClientSecretAttempts(AuthenticationProvider secrets, Clients clients, AttemptLimiter limiter, AuditLog audit,
            PortvaktProperties.Limits limits) {
        this.secrets = secrets;
        this.clients = clients;
        this.limiter = limiter;
        this.audit = audit;
        this.perClientAndAddress = new Limit("client-secret.client-address",
                limits.failedClientAuthenticationsPerClientAndAddress(), limits.window());
        this.perAddress = new Limit("client-secret.address", limits.failedClientAuthenticationsPerAddress(),
                limits.window());
        this.inFlightWait = limits.inFlightWait();
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        var client = (OAuth2ClientAuthenticationToken) authentication;
        if (!SECRET_METHODS.contains(client.getClientAuthenticationMethod())) {
            return secrets.authenticate(authentication);
        }
        String clientId = String.valueOf(client.getPrincipal());
        if (client.getCredentials() instanceof String secret && clients.remembersSecret(clientId, secret)) {
            return secrets.authenticate(authentication);
        }
        String address = client.getDetails() instanceof WebAuthenticationDetails details ? details.getRemoteAddress() : "";
        List<Counted> counts = List.of(new Counted(perClientAndAddress, clientId + ' ' + address),
                new Counted(perAddress, address));
        Counted[] each = counts.toArray(Counted[]::new);
        Admission admission = limiter.awaitInFlight(inFlightWait, counts, limiter.admitInFlight(each),
                Admission.Blocked.class::isInstance, () -> limiter.admitInFlight(each)).admission();
        if (admission instanceof Admission.Blocked) {
            // Past a limit, or still only by the checks in flight beside it after the wait: refused as before.
            audit.record(new AuditEvent("client.authentication", "locked", null, null, clientId, address, null));
            throw new OAuth2AuthenticationException(TOO_MANY);
        }
        // The give-back below comes after Spring's PKCE check: that check's read of the code must not begin the code
        // exchange's transaction, which would hold the counter rows until the exchange commits (decision 0062).
        CodeExchangeTransaction.keepTheChecksOutside();
        try {
            Authentication authenticated = secrets.authenticate(authentication);
            limiter.release(admission);
            return authenticated;
        } catch (OAuth2AuthenticationException refused) {
            if (OAuth2ErrorCodes.INVALID_CLIENT.equals(refused.getError().getErrorCode())) {
                limiter.failed(admission);
                audit.record(new AuditEvent("client.authentication", "failure", null, null, clientId, address, null));
            } else {
                limiter.release(admission);
            }
            throw refused;
        } catch (RuntimeException outage) {
            limiter.release(admission);
            throw outage;
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return secrets.supports(authentication);
    }
}
