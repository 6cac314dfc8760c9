package se.portvakt.oidc;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * Issues opaque refresh tokens (96 random bytes) to every client allowed the refresh_token grant, public
 * clients included (Spring's own generator skips those); public clients' tokens are rotated at each use.
 */
final class RefreshTokens implements OAuth2TokenGenerator<OAuth2RefreshToken> {

    private final SecureRandom random = new SecureRandom();
    private final MeterRegistry metrics;

    RefreshTokens(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    @Override
    public OAuth2RefreshToken generate(OAuth2TokenContext context) {
        if (!OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())
                || !context.getRegisteredClient().getAuthorizationGrantTypes().contains(AuthorizationGrantType.REFRESH_TOKEN)) {
            return null;
        }
        byte[] bytes = new byte[96];
        random.nextBytes(bytes);
        Instant issuedAt = Instant.now();
        Instant expiresAt = issuedAt.plus(context.getRegisteredClient().getTokenSettings().getRefreshTokenTimeToLive());
        metrics.counter("portvakt.tokens.issued", "type", "refresh_token",
                "grant_type", context.getAuthorizationGrantType().getValue()).increment();
        return new OAuth2RefreshToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), issuedAt, expiresAt);
    }
}
