package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import se.portvakt.audit.AuditLog;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.factor.SecretCipher;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;

/**
 * A first start (an empty database) makes its signing keys beside the rest of the start and stores them before the
 * server answers; two nodes starting together on one empty database end with one key per algorithm, not two.
 */
abstract class FirstSigningKeysTest {

    @OnH2
    static class OnEmbeddedDatabase extends FirstSigningKeysTest {}

    @OnPostgres
    static class OnPostgreSql extends FirstSigningKeysTest {}

    @Autowired
    SigningKeys keys;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    SecretCipher cipher;

    @Autowired
    TransactionTemplate transaction;

    @Autowired
    PortvaktProperties properties;

    @Autowired
    AuditLog audit;

    @Test
    void aStartedServerPublishesAKeyOfEachAlgorithm() {
        List<JWK> published = keys.get(new JWKSelector(new JWKMatcher.Builder().build()), null);

        assertThat(published).extracting(key -> key.getAlgorithm().getName()).contains("RS256", "ES256");
    }

    @Test
    void twoNodesStartingOnAnEmptyDatabaseStoreOneKeyPerAlgorithm() {
        jdbc.sql("DELETE FROM signing_key").update();
        // Both look at the empty table before either has stored what it makes, as two nodes started together do.
        SigningKeys first = new SigningKeys(jdbc, cipher, transaction, properties, audit);
        SigningKeys second = new SigningKeys(jdbc, cipher, transaction, properties, audit);

        first.afterSingletonsInstantiated();
        second.afterSingletonsInstantiated();

        assertThat(jdbc.sql("SELECT algorithm FROM signing_key ORDER BY algorithm").query(String.class).list())
                .containsExactly("ES256", "RS256");
        JWKSelector signing = new JWKSelector(new JWKMatcher.Builder().algorithms(JWSAlgorithm.RS256).build());
        assertThat(second.get(signing, null)).extracting(JWK::getKeyID)
                .isEqualTo(first.get(signing, null).stream().map(JWK::getKeyID).toList());
    }
}
