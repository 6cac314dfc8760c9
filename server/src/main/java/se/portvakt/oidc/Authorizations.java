package se.portvakt.oidc;

import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.ArgumentPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * Spring Authorization Server's JDBC store of authorizations, in its table and format, with two costs taken out:
 * rows are read by {@link AuthorizationRows}, and a save is one UPDATE (an INSERT when no row was updated) where
 * Spring first read the whole row back to decide between the two.
 *
 * <p>The statements name the columns in the order of Spring's parameters mapper, which produces the values.
 */
final class Authorizations extends JdbcOAuth2AuthorizationService {

    private static final String COLUMNS_AFTER_ID = """
            registered_client_id, principal_name, authorization_grant_type, authorized_scopes, attributes, state,
            authorization_code_value, authorization_code_issued_at, authorization_code_expires_at, authorization_code_metadata,
            access_token_value, access_token_issued_at, access_token_expires_at, access_token_metadata, access_token_type,
            access_token_scopes,
            oidc_id_token_value, oidc_id_token_issued_at, oidc_id_token_expires_at, oidc_id_token_metadata,
            refresh_token_value, refresh_token_issued_at, refresh_token_expires_at, refresh_token_metadata,
            user_code_value, user_code_issued_at, user_code_expires_at, user_code_metadata,
            device_code_value, device_code_issued_at, device_code_expires_at, device_code_metadata""";

    private static final String INSERT = "INSERT INTO oauth2_authorization (id, " + COLUMNS_AFTER_ID + ") VALUES ("
            + "?, ".repeat(32) + "?)";

    private static final String UPDATE = "UPDATE oauth2_authorization SET "
            + String.join(" = ?, ", COLUMNS_AFTER_ID.replace("\n", " ").split(",\\s*")) + " = ? WHERE id = ?";

    Authorizations(JdbcOperations jdbc, RegisteredClientRepository clients) {
        super(jdbc, clients);
        setAuthorizationRowMapper(new AuthorizationRows(clients));
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        List<SqlParameterValue> values = getAuthorizationParametersMapper().apply(authorization);
        if (values.size() != 33) {
            throw new IllegalStateException("Spring's parameters mapper gave " + values.size() + " values, not 33");
        }
        List<SqlParameterValue> idLast = new ArrayList<>(values.subList(1, values.size()));
        idLast.add(values.get(0));
        if (getJdbcOperations().update(UPDATE, new ArgumentPreparedStatementSetter(idLast.toArray())) == 0) {
            getJdbcOperations().update(INSERT, new ArgumentPreparedStatementSetter(values.toArray()));
        }
    }
}
