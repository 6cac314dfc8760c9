package se.portvakt.oidc;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2TokenIntrospectionClaimNames;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Component;

import se.portvakt.config.PortvaktProperties;
import se.portvakt.housekeeping.Purge;

/**
 * Client-credentials access tokens, which are issued without an {@code oauth2_authorization} row (decision 0054):
 * the JWT itself says everything introspection answers (RFC 9068), so it is checked on any node by its signature
 * (the published keys of every node, {@link SigningKeys}), issuer, expiry and client, and a revoked one is
 * remembered by its {@code jti} until it expires ({@code revoked_access_token}).
 *
 * <p>Such a token is told apart by its {@code client_id} claim, which {@link TokenClaims} adds to client-credentials
 * access tokens only: a token that has it is decided here and never looked up in the rows, so a person's token
 * (no {@code client_id}, always a row) cannot pass as one, and a forged {@code client_id} fails the signature.
 */
@Component
class SelfContainedAccessTokens implements Purge {

    /** What {@link #read} found: {@code applies} false means "not such a token, look it up in the rows". */
    record Read(boolean applies, OAuth2Authorization authorization) {

        static final Read NOT_SELF_CONTAINED = new Read(false, null);
        static final Read INACTIVE = new Read(true, null);
    }

    private final JdbcClient jdbc;
    private final RegisteredClientRepository clients;
    private final NimbusJwtDecoder decoder;

    SelfContainedAccessTokens(JdbcClient jdbc, RegisteredClientRepository clients, JWKSource<SecurityContext> keys,
            PortvaktProperties properties) {
        this.jdbc = jdbc;
        this.clients = clients;
        this.decoder = (NimbusJwtDecoder) OAuth2AuthorizationServerConfiguration.jwtDecoder(keys);
        // No leeway: introspection answers for this server's own clock, as it does for tokens with a row.
        this.decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(Duration.ZERO),
                new JwtIssuerValidator(properties.issuer())));
    }

    /** True for the authorization of a client-credentials token issued here, which is never saved as a row. */
    static boolean isSelfContained(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OAuth2AccessToken> token = authorization.getAccessToken();
        return AuthorizationGrantType.CLIENT_CREDENTIALS.equals(authorization.getAuthorizationGrantType())
                && authorization.getRefreshToken() == null && token != null && token.getClaims() != null
                && token.getClaims().get(OAuth2TokenIntrospectionClaimNames.CLIENT_ID) != null;
    }

    /**
     * The authorization such a token stands for, built from the token, when it is active (signed by one of our
     * keys, our issuer, not expired, its client still allowed client credentials, not revoked); otherwise
     * {@link Read#INACTIVE}, or {@link Read#NOT_SELF_CONTAINED} when the token is no such token at all.
     */
    Read read(String token) {
        if (!looksSelfContained(token)) {
            return Read.NOT_SELF_CONTAINED;
        }
        Jwt jwt;
        try {
            jwt = decoder.decode(token);
        } catch (JwtException invalid) {
            return Read.INACTIVE;
        }
        String clientId = jwt.getClaimAsString(OAuth2TokenIntrospectionClaimNames.CLIENT_ID);
        String jti = jwt.getId();
        List<String> audience = jwt.getAudience();
        if (jti == null || !clientId.equals(jwt.getSubject()) || audience == null || !audience.contains(clientId)
                || jwt.getIssuedAt() == null || jwt.getExpiresAt() == null) {
            return Read.INACTIVE;
        }
        RegisteredClient client = clients.findByClientId(clientId);
        if (client == null || !client.getAuthorizationGrantTypes().contains(AuthorizationGrantType.CLIENT_CREDENTIALS)
                || isRevoked(jti)) {
            return Read.INACTIVE;
        }
        Set<String> scopes = scopes(jwt.getClaims().get("scope"));
        OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, token,
                jwt.getIssuedAt(), jwt.getExpiresAt(), scopes);
        return new Read(true, OAuth2Authorization.withRegisteredClient(client)
                .id(jti)
                .principalName(clientId)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .authorizedScopes(scopes)
                .token(accessToken, metadata -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME,
                        Map.copyOf(jwt.getClaims())))
                .build());
    }

    /**
     * Remembers that the token of this (self-contained) authorization was revoked, until it expires; revoking it
     * again, here or on another node at the same moment, changes nothing.
     */
    void revoke(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OAuth2AccessToken> token = authorization.getAccessToken();
        Object jti = token.getClaims().get(JwtClaimNames.JTI);
        Instant expiresAt = token.getToken().getExpiresAt();
        if (jti == null || expiresAt == null) {
            return;
        }
        try {
            jdbc.sql("""
                    INSERT INTO revoked_access_token (jti, expires_at) SELECT :jti, :expires
                    WHERE NOT EXISTS (SELECT 1 FROM revoked_access_token WHERE jti = :jti)
                    """)
                    .param("jti", jti.toString())
                    .param("expires", OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC))
                    .update();
        } catch (DuplicateKeyException alreadyRevoked) {
            // Another request revoked it at the same moment: it is revoked, as asked.
        }
    }

    private boolean isRevoked(String jti) {
        return jdbc.sql("SELECT COUNT(*) FROM revoked_access_token WHERE jti = :jti")
                .param("jti", jti).query(Integer.class).single() > 0;
    }

    @Override
    public String name() {
        return "revoked-access-tokens";
    }

    /** Revoked tokens that have expired: inactive by their {@code exp} alone. */
    @Override
    public int purgeBatch(Instant now, int batchSize) {
        return jdbc.sql("""
                DELETE FROM revoked_access_token WHERE jti IN
                    (SELECT jti FROM revoked_access_token WHERE expires_at < :now FETCH FIRST :batch ROWS ONLY)
                """)
                .param("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .param("batch", batchSize)
                .update();
    }

    /** A signed JWT with a {@code client_id} claim, read without checking anything: which path decides it. */
    private static boolean looksSelfContained(String token) {
        if (token == null || token.indexOf('.') < 0) {
            return false;
        }
        try {
            return JWTParser.parse(token) instanceof SignedJWT jwt
                    && jwt.getJWTClaimsSet().getClaim(OAuth2TokenIntrospectionClaimNames.CLIENT_ID) instanceof String;
        } catch (ParseException notAJwt) {
            return false;
        }
    }

    private static Set<String> scopes(Object claim) {
        Set<String> scopes = new LinkedHashSet<>();
        if (claim instanceof Collection<?> values) {
            values.forEach(value -> scopes.add(String.valueOf(value)));
        } else if (claim instanceof String text && !text.isBlank()) {
            scopes.addAll(List.of(text.trim().split("\\s+")));
        }
        return scopes;
    }
}
