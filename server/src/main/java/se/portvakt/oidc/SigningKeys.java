package se.portvakt.oidc;

import java.text.ParseException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The token signing keys: one RS256 and one ES256 key, made at first start and kept in the database so that
 * tokens stay valid across restarts and nodes. The JWK Set endpoint publishes every active key; signing uses
 * the newest key of the requested algorithm.
 */
@Component
class SigningKeys implements JWKSource<SecurityContext> {

    private final JdbcClient jdbc;
    private volatile JWKSet published;
    private volatile JWKSet signing;

    SigningKeys(JdbcClient jdbc) {
        this.jdbc = jdbc;
        ensureKey(JWSAlgorithm.RS256);
        ensureKey(JWSAlgorithm.ES256);
        reload();
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
        var algorithms = selector.getMatcher().getAlgorithms();
        return selector.select(algorithms == null || algorithms.isEmpty() ? published : signing);
    }

    /** Picks up keys another node made (or an operator rotated) without a restart. */
    @Scheduled(fixedDelayString = "PT5M", initialDelayString = "PT5M")
    void reload() {
        List<JWK> keys = jdbc.sql("SELECT jwk FROM signing_key WHERE active = TRUE ORDER BY created_at DESC, kid")
                .query((rs, row) -> parse(rs.getString("jwk")))
                .list();
        Map<String, JWK> newestPerAlgorithm = new LinkedHashMap<>();
        for (JWK key : keys) {
            newestPerAlgorithm.putIfAbsent(key.getAlgorithm().getName(), key);
        }
        this.published = new JWKSet(keys);
        this.signing = new JWKSet(new ArrayList<>(newestPerAlgorithm.values()));
    }

    private void ensureKey(JWSAlgorithm algorithm) {
        boolean present = jdbc.sql("SELECT COUNT(*) FROM signing_key WHERE algorithm = :alg AND active = TRUE")
                .param("alg", algorithm.getName())
                .query(Integer.class)
                .single() > 0;
        if (present) {
            return;
        }
        JWK key = generate(algorithm);
        jdbc.sql("INSERT INTO signing_key (kid, algorithm, jwk, created_at, active) VALUES (:kid, :alg, :jwk, :at, TRUE)")
                .param("kid", key.getKeyID())
                .param("alg", algorithm.getName())
                .param("jwk", key.toJSONString())
                .param("at", OffsetDateTime.now(ZoneOffset.UTC))
                .update();
    }

    private static JWK generate(JWSAlgorithm algorithm) {
        try {
            String kid = UUID.randomUUID().toString();
            if (JWSAlgorithm.ES256.equals(algorithm)) {
                return new ECKeyGenerator(Curve.P_256).keyID(kid).algorithm(algorithm).keyUse(KeyUse.SIGNATURE).generate();
            }
            return new RSAKeyGenerator(2048).keyID(kid).algorithm(algorithm).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate a " + algorithm + " signing key", e);
        }
    }

    private static JWK parse(String json) {
        try {
            return JWK.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("a stored signing key is not a valid JWK", e);
        }
    }
}
