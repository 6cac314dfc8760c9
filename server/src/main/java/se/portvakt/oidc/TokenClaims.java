package se.portvakt.oidc;

import java.util.Date;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2TokenIntrospectionClaimNames;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

import se.portvakt.account.AccountStore;
import se.portvakt.client.Clients;

/**
 * Adds what Portvakt knows about the person to the tokens it signs: in the ID token the account's claims for
 * the granted scopes, {@code amr}, {@code acr} and {@code auth_time}; signs access tokens with the client's
 * {@code access-token-signing-alg}, else the server's default, and a client-credentials one with its
 * {@code client_id}; and counts every token issued.
 */
final class TokenClaims implements OAuth2TokenCustomizer<JwtEncodingContext> {

    private final AccountStore accounts;
    private final MeterRegistry metrics;
    private final SignatureAlgorithm accessTokenAlgorithm;

    TokenClaims(AccountStore accounts, MeterRegistry metrics, SignatureAlgorithm accessTokenAlgorithm) {
        this.accounts = accounts;
        this.metrics = metrics;
        this.accessTokenAlgorithm = accessTokenAlgorithm;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        String tokenType = context.getTokenType().getValue();
        metrics.counter("portvakt.tokens.issued", "type", tokenType,
                "grant_type", context.getAuthorizationGrantType().getValue()).increment();

        if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            String chosen = context.getRegisteredClient().getTokenSettings().getSetting(Clients.ACCESS_TOKEN_SIGNING_ALGORITHM);
            context.getJwsHeader().algorithm(chosen != null ? SignatureAlgorithm.from(chosen) : accessTokenAlgorithm);
            if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
                // RFC 9068's client_id, and the mark of a token issued without a row (SelfContainedAccessTokens).
                context.getClaims().claim(OAuth2TokenIntrospectionClaimNames.CLIENT_ID,
                        context.getRegisteredClient().getClientId());
            }
            return;
        }
        if (!OidcParameterNames.ID_TOKEN.equals(tokenType)
                || !(context.getPrincipal() instanceof UsernamePasswordAuthenticationToken person)) {
            return;
        }
        accounts.findById(person.getName()).ifPresent(account ->
                AccountClaims.of(account, context.getAuthorizedScopes()).forEach(context.getClaims()::claim));
        AuthenticationMethods methods = new AuthenticationMethods(person);
        if (methods.isPresent()) {
            context.getClaims().claim("amr", methods.amr());
            context.getClaims().claim(IdTokenClaimNames.ACR, methods.acr());
            context.getClaims().claim(IdTokenClaimNames.AUTH_TIME, Date.from(methods.authTime()));
        }
    }
}
