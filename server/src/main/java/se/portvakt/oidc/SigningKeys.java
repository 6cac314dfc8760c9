package se.portvakt.oidc;

import java.nio.charset.StandardCharsets;
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
import org.springframework.transaction.support.TransactionTemplate;

import se.portvakt.factor.SecretCipher;

/**
 * The token signing keys: one RS256 and one ES256 key, made at first start and kept in the database so that
 * tokens stay valid across restarts and nodes. The JWK Set endpoint publishes every active key; signing uses
 * the newest key of the requested algorithm.
 *
 * <p>A stored key (JWK JSON with its private part) is encrypted with the factors' key ({@link SecretCipher}),
 * bound to its key id, so a copy of the database alone cannot sign tokens. Keys that a version before this one
 * stored in plain are encrypted in place when they are loaded.
 */
@Component
class SigningKeys implements JWKSource<SecurityContext> {

    private final JdbcClient jdbc;
    private final SecretCipher cipher;
    private final TransactionTemplate transaction;
    private volatile JWKSet published;
    private volatile JWKSet signing;

    SigningKeys(JdbcClient jdbc, SecretCipher cipher, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.transaction = transaction;
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
        encryptPlainKeys();
        List<JWK> keys = jdbc.sql("SELECT kid, jwk FROM signing_key WHERE active = TRUE ORDER BY created_at DESC, kid")
                .query((rs, row) -> open(cipher, rs.getString("kid"), rs.getString("jwk")))
                .list();
        Map<String, JWK> newestPerAlgorithm = new LinkedHashMap<>();
        for (JWK key : keys) {
            newestPerAlgorithm.putIfAbsent(key.getAlgorithm().getName(), key);
        }
        this.published = new JWKSet(keys);
        this.signing = new JWKSet(new ArrayList<>(newestPerAlgorithm.values()));
    }

    /**
     * Encrypts the keys stored in plain (JWK JSON, by a version before this one), in one transaction. Each row
     * changes only if it is still the plain text read, so nodes starting together do it once between them.
     */
    private void encryptPlainKeys() {
        transaction.executeWithoutResult(status -> jdbc.sql("SELECT kid, jwk FROM signing_key WHERE jwk LIKE :json")
                .param("json", "{%")
                .query((rs, row) -> new StoredKey(rs.getString("kid"), rs.getString("jwk")))
                .list()
                .forEach(plain -> jdbc.sql("UPDATE signing_key SET jwk = :sealed WHERE kid = :kid AND jwk = :plain")
                        .param("sealed", seal(parse(plain.jwk())))
                        .param("kid", plain.kid())
                        .param("plain", plain.jwk())
                        .update()));
    }

    private record StoredKey(String kid, String jwk) {}

    private String seal(JWK key) {
        return cipher.encrypt(key.toJSONString().getBytes(StandardCharsets.UTF_8), associatedData(key.getKeyID()));
    }

    /**
     * The key stored as {@code stored} under {@code kid}.
     *
     * @throws IllegalStateException when it does not decrypt as this key id's: altered, another key's, or not a
     *     signing key at all (an authenticator key, say)
     */
    static JWK open(SecretCipher cipher, String kid, String stored) {
        JWK key = parse(new String(cipher.decrypt(stored, associatedData(kid)), StandardCharsets.UTF_8));
        if (!kid.equals(key.getKeyID())) {
            throw new IllegalStateException("the signing key stored under " + kid + " names another key id");
        }
        return key;
    }

    /** Binds a stored key to its key id, and sets it apart from the factor secrets sealed with the same key. */
    private static String associatedData(String kid) {
        return "signing-key:" + kid;
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
                .param("jwk", seal(key))
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
