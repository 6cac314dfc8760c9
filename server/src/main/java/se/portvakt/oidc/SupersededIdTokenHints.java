package se.portvakt.oidc;

import java.util.List;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationToken;

/**
 * Accepts an earlier ID token of the same session as the {@code id_token_hint} of RP-initiated logout.
 *
 * <p>Spring's logout provider finds the authorization by the exact ID token it stored last; a refresh replaces
 * that token, so an application that logs out with the ID token of its sign-in (as most do, Spring Security's
 * own client among them) got a 400 and the person stayed signed in. OpenID Connect RP-Initiated Logout 1.0
 * section 2 says the OP should accept ID tokens it issued for a current or recent session, expired ones too.
 *
 * <p>When the hint is not the stored token, this checks that we signed it (signature against our keys, our
 * issuer; expiry deliberately not checked, as for the stored token), then looks for the authorization of the
 * same client (aud), account (sub) and browser session (sid) and hands the delegate that authorization's
 * current ID token instead. Every other check (audience, client_id, the signed-in person, the session, the
 * post_logout_redirect_uri) stays with Spring's provider.
 */
final class SupersededIdTokenHints implements AuthenticationProvider {

    private static final OAuth2TokenType ID_TOKEN = new OAuth2TokenType(OidcParameterNames.ID_TOKEN);
    private static final int MAX_CANDIDATES = 50;

    private final AuthenticationProvider delegate;
    private final OAuth2AuthorizationService authorizations;
    private final RegisteredClientRepository clients;
    private final JdbcTemplate jdbc;
    private final NimbusJwtDecoder hints;

    SupersededIdTokenHints(AuthenticationProvider delegate, OAuth2AuthorizationService authorizations,
            RegisteredClientRepository clients, JdbcTemplate jdbc, JWKSource<SecurityContext> keys, String issuer) {
        this.delegate = delegate;
        this.authorizations = authorizations;
        this.clients = clients;
        this.jdbc = jdbc;
        this.hints = (NimbusJwtDecoder) OAuth2AuthorizationServerConfiguration.jwtDecoder(keys);
        this.hints.setJwtValidator(new JwtIssuerValidator(issuer));
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        OidcLogoutAuthenticationToken request = (OidcLogoutAuthenticationToken) authentication;
        if (authorizations.findByToken(request.getIdTokenHint(), ID_TOKEN) == null) {
            String current = currentIdTokenOfSameSession(request.getIdTokenHint());
            if (current != null) {
                request = new OidcLogoutAuthenticationToken(current, (Authentication) request.getPrincipal(),
                        request.getSessionId(), request.getClientId(), request.getPostLogoutRedirectUri(),
                        request.getState());
            }
        }
        return delegate.authenticate(request);
    }

    /** The stored ID token that replaced this hint, or null (then the delegate rejects the hint as before). */
    private String currentIdTokenOfSameSession(String hint) {
        Jwt jwt;
        try {
            jwt = hints.decode(hint);
        } catch (JwtException notOurs) {
            return null;
        }
        String sid = jwt.getClaimAsString("sid");
        String sub = jwt.getSubject();
        List<String> aud = jwt.getAudience();
        if (sid == null || sub == null || aud == null || aud.size() != 1) {
            return null;
        }
        RegisteredClient client = clients.findByClientId(aud.get(0));
        if (client == null) {
            return null;
        }
        List<String> ids = jdbc.queryForList("SELECT id FROM oauth2_authorization WHERE principal_name = ?"
                + " AND registered_client_id = ? AND oidc_id_token_value IS NOT NULL", String.class, sub, client.getId());
        for (String id : ids.subList(0, Math.min(ids.size(), MAX_CANDIDATES))) {
            OAuth2Authorization authorization = authorizations.findById(id);
            OAuth2Authorization.Token<OidcIdToken> idToken = authorization == null ? null
                    : authorization.getToken(OidcIdToken.class);
            if (idToken != null && !idToken.isInvalidated() && sub.equals(idToken.getToken().getSubject())
                    && sid.equals(idToken.getToken().getClaimAsString("sid"))) {
                return idToken.getToken().getTokenValue();
            }
        }
        return null;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return OidcLogoutAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
