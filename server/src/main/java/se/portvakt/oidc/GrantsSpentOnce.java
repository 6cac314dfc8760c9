package se.portvakt.oidc;

import java.util.Optional;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationToken;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;

/**
 * Spring's code exchange and refresh, each spending its code or refresh token once ({@link Authorizations#redeeming});
 * a grant that comes back after it was spent revokes its whole authorization, every access and refresh token of
 * that sign-in: whoever presents it holds a copy, and the server cannot tell the thief from the application
 * (RFC 6749 4.1.2, RFC 9700 4.14.2). Spring revokes the tokens of a code presented again after its exchange; this
 * adds the code spent by a request running at the same time, and refresh tokens, which Spring forgets once rotated.
 */
final class GrantsSpentOnce implements AuthenticationProvider {

    private static final OAuth2TokenType CODE = new OAuth2TokenType(OAuth2ParameterNames.CODE);

    private final AuthenticationProvider delegate;
    private final Authorizations authorizations;
    private final SpentRefreshTokens spentRefreshTokens;
    private final AuditLog audit;

    GrantsSpentOnce(AuthenticationProvider delegate, Authorizations authorizations,
            SpentRefreshTokens spentRefreshTokens, AuditLog audit) {
        this.delegate = delegate;
        this.authorizations = authorizations;
        this.spentRefreshTokens = spentRefreshTokens;
        this.audit = audit;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        Authorizations.Grant grant = grant(authentication);
        if (grant == null) {
            return delegate.authenticate(authentication);
        }
        try {
            return authorizations.redeeming(grant, () -> delegate.authenticate(authentication));
        } catch (Authorizations.AlreadySpent spentMeanwhile) {
            revoke(spentMeanwhile.authorizationId(), grant, authentication);
            throw spentMeanwhile;
        } catch (OAuth2AuthenticationException refused) {
            if (OAuth2TokenType.REFRESH_TOKEN.equals(grant.type())
                    && OAuth2ErrorCodes.INVALID_GRANT.equals(refused.getError().getErrorCode())) {
                spentRefreshTokens.authorizationOf(grant.value())
                        .ifPresent(authorizationId -> revoke(authorizationId, grant, authentication));
            }
            throw refused;
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return delegate.supports(authentication);
    }

    private static Authorizations.Grant grant(Authentication authentication) {
        if (authentication instanceof OAuth2AuthorizationCodeAuthenticationToken exchange) {
            return new Authorizations.Grant(CODE, exchange.getCode());
        }
        if (authentication instanceof OAuth2RefreshTokenAuthenticationToken refresh) {
            return new Authorizations.Grant(OAuth2TokenType.REFRESH_TOKEN, refresh.getRefreshToken());
        }
        return null;
    }

    private void revoke(String authorizationId, Authorizations.Grant grant, Authentication authentication) {
        Optional<String> account = authorizations.revoke(authorizationId);
        if (account.isEmpty()) {
            return;
        }
        String client = authentication.getPrincipal() instanceof OAuth2ClientAuthenticationToken clientAuthentication
                ? clientAuthentication.getName() : null;
        String address = authentication.getDetails() instanceof WebAuthenticationDetails details
                ? details.getRemoteAddress() : null;
        audit.record(new AuditEvent("token.reused", "revoked", account.get(), null, client, address,
                grant.type().getValue() + " used again; authorization " + authorizationId + " revoked"));
    }
}
