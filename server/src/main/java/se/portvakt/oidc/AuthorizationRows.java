package se.portvakt.oidc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

import org.springframework.dao.DataRetrievalFailureException;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.util.StringUtils;

/**
 * Reads a row of {@code oauth2_authorization} as Spring's own row mapper does, but its JSON columns with
 * {@link StoredJson} instead of Spring's Jackson mapper, which re-introspected types at every call and made reading
 * a row cost more than signing a token. A row holding anything {@link StoredJson} does not know (device codes, a
 * principal of another type) is read by Spring's mapper, whole.
 */
final class AuthorizationRows implements RowMapper<OAuth2Authorization> {

    private final RegisteredClientRepository clients;
    private final RowMapper<OAuth2Authorization> spring;

    AuthorizationRows(RegisteredClientRepository clients) {
        this.clients = clients;
        this.spring = new JdbcOAuth2AuthorizationService.JsonMapperOAuth2AuthorizationRowMapper(clients);
    }

    @Override
    public OAuth2Authorization mapRow(ResultSet rs, int rowNum) throws SQLException {
        OAuth2Authorization authorization = read(rs);
        return authorization != null ? authorization : spring.mapRow(rs, rowNum);
    }

    /** The authorization, or null when a column holds what only Spring's mapper reads. */
    @SuppressWarnings("unchecked")
    private OAuth2Authorization read(ResultSet rs) throws SQLException {
        if (rs.getString("user_code_value") != null || rs.getString("device_code_value") != null) {
            return null;
        }
        Map<String, Object> attributes = map(rs.getString("attributes"));
        if (attributes == null) {
            return null;
        }
        String registeredClientId = rs.getString("registered_client_id");
        RegisteredClient client = clients.findById(registeredClientId);
        if (client == null) {
            throw new DataRetrievalFailureException("The RegisteredClient with id '" + registeredClientId
                    + "' was not found in the RegisteredClientRepository.");
        }
        OAuth2Authorization.Builder builder = OAuth2Authorization.withRegisteredClient(client)
                .id(rs.getString("id"))
                .principalName(rs.getString("principal_name"))
                .authorizationGrantType(new AuthorizationGrantType(rs.getString("authorization_grant_type")))
                .authorizedScopes(scopes(rs.getString("authorized_scopes")))
                .attributes(all -> all.putAll(attributes));
        String state = rs.getString("state");
        if (StringUtils.hasText(state)) {
            builder.attribute(OAuth2ParameterNames.STATE, state);
        }

        String code = rs.getString("authorization_code_value");
        if (StringUtils.hasText(code)) {
            Map<String, Object> metadata = map(rs.getString("authorization_code_metadata"));
            if (metadata == null) {
                return null;
            }
            builder.token(new OAuth2AuthorizationCode(code, instant(rs, "authorization_code_issued_at"),
                    instant(rs, "authorization_code_expires_at")), all -> all.putAll(metadata));
        }

        String accessToken = rs.getString("access_token_value");
        if (StringUtils.hasText(accessToken)) {
            Map<String, Object> metadata = map(rs.getString("access_token_metadata"));
            if (metadata == null) {
                return null;
            }
            String type = rs.getString("access_token_type");
            OAuth2AccessToken.TokenType tokenType = OAuth2AccessToken.TokenType.BEARER.getValue().equalsIgnoreCase(type)
                    ? OAuth2AccessToken.TokenType.BEARER
                    : OAuth2AccessToken.TokenType.DPOP.getValue().equalsIgnoreCase(type) ? OAuth2AccessToken.TokenType.DPOP
                    : null;
            builder.token(new OAuth2AccessToken(tokenType, accessToken, instant(rs, "access_token_issued_at"),
                    instant(rs, "access_token_expires_at"), scopes(rs.getString("access_token_scopes"))),
                    all -> all.putAll(metadata));
        }

        String idToken = rs.getString("oidc_id_token_value");
        if (StringUtils.hasText(idToken)) {
            Map<String, Object> metadata = map(rs.getString("oidc_id_token_metadata"));
            if (metadata == null) {
                return null;
            }
            builder.token(new OidcIdToken(idToken, instant(rs, "oidc_id_token_issued_at"),
                    instant(rs, "oidc_id_token_expires_at"),
                    (Map<String, Object>) metadata.get(OAuth2Authorization.Token.CLAIMS_METADATA_NAME)),
                    all -> all.putAll(metadata));
        }

        String refreshToken = rs.getString("refresh_token_value");
        if (StringUtils.hasText(refreshToken)) {
            Map<String, Object> metadata = map(rs.getString("refresh_token_metadata"));
            if (metadata == null) {
                return null;
            }
            builder.token(new OAuth2RefreshToken(refreshToken, instant(rs, "refresh_token_issued_at"),
                    instant(rs, "refresh_token_expires_at")), all -> all.putAll(metadata));
        }
        return builder.build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(String json) {
        Object value = json == null ? StoredJson.UNKNOWN : StoredJson.readMap(json);
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
    }

    private static Set<String> scopes(String commaSeparated) {
        return commaSeparated == null ? Collections.emptySet() : StringUtils.commaDelimitedListToSet(commaSeparated);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
