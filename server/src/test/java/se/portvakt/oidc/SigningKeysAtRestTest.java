package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.factor.SecretCipher;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;

/**
 * The signing keys' private parts are stored encrypted with the configured key, like authenticator keys, and
 * bound to their key id: a copy of the database alone cannot sign tokens, and a ciphertext of another kind (an
 * authenticator key) or of another signing key does not pass for one.
 */
abstract class SigningKeysAtRestTest {

    @OnH2
    static class OnEmbeddedDatabase extends SigningKeysAtRestTest {}

    @OnPostgres
    static class OnPostgreSql extends SigningKeysAtRestTest {}

    @Autowired
    JdbcClient jdbc;

    @Autowired
    SecretCipher cipher;

    @Autowired
    SigningKeys keys;

    @Test
    void noStoredKeyShowsItsPrivatePart() {
        List<Row> rows = rows();

        assertThat(rows).extracting(Row::algorithm).contains("RS256", "ES256");
        for (Row row : rows) {
            assertThat(row.jwk()).startsWith("v1:").doesNotContain("\"d\"", "\"kty\"", row.kid());
            assertThatThrownBy(() -> JWK.parse(row.jwk())).as("not readable as a JWK").isInstanceOf(Exception.class);
            JWK key = SigningKeys.open(cipher, row.kid(), row.jwk());
            assertThat(key.isPrivate()).isTrue();
            assertThat(key.getKeyID()).isEqualTo(row.kid());
        }
    }

    @Test
    void aCiphertextOfAnotherKindOrAnotherKeyDoesNotPassForAKey() {
        List<Row> rows = rows();
        Row first = rows.get(0);
        Row second = rows.get(1);
        byte[] someJwk = SigningKeys.open(cipher, second.kid(), second.jwk()).toJSONString().getBytes(StandardCharsets.UTF_8);
        // The same bytes, sealed as an authenticator key of an account would be.
        String asFactorSecret = cipher.encrypt(someJwk, "3f2c8a8e-0d5b-4b8f-9a53-2f4f1c7e9b10");

        assertThatThrownBy(() -> SigningKeys.open(cipher, first.kid(), asFactorSecret)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> SigningKeys.open(cipher, first.kid(), second.jwk())).isInstanceOf(IllegalStateException.class);
    }

    private List<Row> rows() {
        // A new database's first keys are made after ready or at the first need (decision 0063): this is a need.
        keys.get(new JWKSelector(new JWKMatcher.Builder().build()), null);
        return jdbc.sql("SELECT kid, algorithm, jwk FROM signing_key ORDER BY kid")
                .query((rs, n) -> new Row(rs.getString("kid"), rs.getString("algorithm"), rs.getString("jwk")))
                .list();
    }

    private record Row(String kid, String algorithm, String jwk) {}
}
