package se.portvakt.oidc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.OAuth2Token;
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
 *
 * <p>A row whose application is no longer registered (its client was deleted from {@code oauth2_registered_client})
 * is read as no authorization at all, where Spring's mapper throws: its code, access and refresh tokens are then
 * unknown tokens everywhere (introspection inactive, revocation 200, a token request invalid_grant, userinfo 401,
 * sign-outs go on with the other rows) instead of a 500. Nothing can be spent through a row that is not read, so the
 * conditional saves of {@link Authorizations} are untouched; housekeeping deletes such rows.
 */
final class AuthorizationRows implements RowMapper<OAuth2Authorization> {

    private static final Logger log = LoggerFactory.getLogger(AuthorizationRows.class);

    /** Gone clients already logged, so that a busy server logs each once, not at every read; bounded. */
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();
    private static final int MAX_LOGGED = 1_000;

    private final RegisteredClientRepository clients;
    private final RowMapper<OAuth2Authorization> spring;

    AuthorizationRows(RegisteredClientRepository clients) {
        this.clients = clients;
        this.spring = new JdbcOAuth2AuthorizationService.JsonMapperOAuth2AuthorizationRowMapper(clients);
    }

    @Override
    public OAuth2Authorization mapRow(ResultSet rs, int rowNum) throws SQLException {
        String registeredClientId = rs.getString("registered_client_id");
        RegisteredClient client = clients.findById(registeredClientId);
        if (client == null) {
            clientGone(registeredClientId);
            return null;
        }
        OAuth2Authorization authorization = read(rs, client);
        return authorization != null ? authorization : spring.mapRow(rs, rowNum);
    }

    /** Logs once per client and node why that application's tokens are refused: the refusals themselves do not say. */
    private static void clientGone(String registeredClientId) {
        if (LOGGED.size() < MAX_LOGGED && LOGGED.add(registeredClientId)) {
            log.warn("Authorizations of registered client {} are read as none: the client is no longer registered,"
                    + " so its tokens are refused as unknown; housekeeping deletes them", registeredClientId);
        }
    }

    /** The authorization, or null when a column holds what only Spring's mapper reads. */
    @SuppressWarnings("unchecked")
    private OAuth2Authorization read(ResultSet rs, RegisteredClient client) throws SQLException {
        if (rs.getString("user_code_value") != null || rs.getString("device_code_value") != null) {
            return null;
        }
        Map<String, Object> attributes = map(rs.getString("attributes"));
        if (attributes == null) {
            return null;
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

        boolean known = token(rs, builder, "authorization_code",
                (value, issuedAt, expiresAt, metadata) -> new OAuth2AuthorizationCode(value, issuedAt, expiresAt))
                && token(rs, builder, "access_token", (value, issuedAt, expiresAt, metadata) -> new OAuth2AccessToken(
                        tokenType(rs.getString("access_token_type")), value, issuedAt, expiresAt,
                        scopes(rs.getString("access_token_scopes"))))
                && token(rs, builder, "oidc_id_token", (value, issuedAt, expiresAt, metadata) -> new OidcIdToken(
                        value, issuedAt, expiresAt,
                        (Map<String, Object>) metadata.get(OAuth2Authorization.Token.CLAIMS_METADATA_NAME)))
                && token(rs, builder, "refresh_token",
                        (value, issuedAt, expiresAt, metadata) -> new OAuth2RefreshToken(value, issuedAt, expiresAt));
        return known ? builder.build() : null;
    }

    /** How a token of one kind is made from its columns. */
    private interface TokenColumns<T extends OAuth2Token> {
        T token(String value, Instant issuedAt, Instant expiresAt, Map<String, Object> metadata) throws SQLException;
    }

    /**
     * Adds the token kept in the columns {@code <prefix>_value}, {@code _issued_at}, {@code _expires_at} and
     * {@code _metadata}, if there is one; false when its metadata is for Spring's mapper.
     */
    private static <T extends OAuth2Token> boolean token(ResultSet rs, OAuth2Authorization.Builder builder, String prefix,
            TokenColumns<T> columns) throws SQLException {
        String value = rs.getString(prefix + "_value");
        if (!StringUtils.hasText(value)) {
            return true;
        }
        Map<String, Object> metadata = map(rs.getString(prefix + "_metadata"));
        if (metadata == null) {
            return false;
        }
        builder.token(columns.token(value, instant(rs, prefix + "_issued_at"), instant(rs, prefix + "_expires_at"), metadata),
                all -> all.putAll(metadata));
        return true;
    }

    private static OAuth2AccessToken.TokenType tokenType(String type) {
        if (OAuth2AccessToken.TokenType.BEARER.getValue().equalsIgnoreCase(type)) {
            return OAuth2AccessToken.TokenType.BEARER;
        }
        return OAuth2AccessToken.TokenType.DPOP.getValue().equalsIgnoreCase(type) ? OAuth2AccessToken.TokenType.DPOP : null;
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
