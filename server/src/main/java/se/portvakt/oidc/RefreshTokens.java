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
 * Issues opaque refresh tokens (96 random bytes) when the {@code offline_access} scope was granted
 * (OpenID Connect Core 11) to a client allowed the refresh_token grant, public clients included (Spring's own
 * generator skips those); public clients' tokens are rotated at each use.
 */
final class RefreshTokens implements OAuth2TokenGenerator<OAuth2RefreshToken> {

    private static final String OFFLINE_ACCESS = "offline_access";

    private final SecureRandom random = new SecureRandom();
    private final MeterRegistry metrics;

    RefreshTokens(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    /** At the code exchange offline_access must be granted; a refresh continues what was granted then. */
    private static boolean grantsOfflineAccess(OAuth2TokenContext context) {
        return AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType())
                || context.getAuthorizedScopes().contains(OFFLINE_ACCESS);
    }

    @Override
    public OAuth2RefreshToken generate(OAuth2TokenContext context) {
        if (!OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())
                || !context.getRegisteredClient().getAuthorizationGrantTypes().contains(AuthorizationGrantType.REFRESH_TOKEN)
                || !grantsOfflineAccess(context)) {
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
