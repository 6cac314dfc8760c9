package se.portvakt.delivery.push;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import se.portvakt.factor.SecretCipher;

/**
 * The server's VAPID key pair (RFC 8292): made at first start and kept in the database, because every Web Push
 * subscription is bound to the public key it was made with; a new key would silence every device until it
 * subscribes again. Every node uses the same key: nodes that start together each try to insert theirs into the
 * one-row table, one insert wins by the primary key, and all read the winner.
 *
 * <p>The stored key (JWK JSON with its private part) is encrypted like the token signing keys with
 * {@link SecretCipher}, bound to {@code vapid-key:} and its key id, so a copy of the database alone cannot sign
 * VAPID tokens, and no other sealed secret passes for this key.
 *
 * <p>A stored key is read at start. A new database's key is made when it is first needed (the web app asks for the
 * public key, or a push message is sent), not at start (decision 0063): the first P-256 key of a JVM costs about
 * a tenth of a start's main thread, which starting a sign-in does not need.
 */
@Component
class VapidKeys {

    private final JdbcClient jdbc;
    private final SecretCipher cipher;
    private volatile ECKey key;

    @Autowired
    VapidKeys(JdbcClient jdbc, SecretCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.key = read(jdbc, cipher);
    }

    /** A key given as is (tests of the adapter choice, which need no database). */
    VapidKeys(ECKey key) {
        this.jdbc = null;
        this.cipher = null;
        this.key = key;
    }

    /** The key pair that signs VAPID tokens; on a new database made (and stored) by the first caller. */
    ECKey key() {
        ECKey known = key;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (key == null) {
                key = stored(jdbc, cipher);
            }
            return key;
        }
    }

    /** The public key as the web app subscribes with it: base64url of the uncompressed P-256 point. */
    String applicationServerKey() {
        return Vapid.applicationServerKey(key());
    }

    /** The stored key; when there is none, a new one stored first (or the one another node stored at that moment). */
    static ECKey stored(JdbcClient jdbc, SecretCipher cipher) {
        ECKey existing = read(jdbc, cipher);
        if (existing != null) {
            return existing;
        }
        ECKey made = generate();
        try {
            jdbc.sql("INSERT INTO vapid_key (id, kid, jwk, created_at) VALUES (1, :kid, :jwk, :at)")
                    .param("kid", made.getKeyID())
                    .param("jwk", cipher.encrypt(made.toJSONString().getBytes(StandardCharsets.UTF_8),
                            associatedData(made.getKeyID())))
                    .param("at", OffsetDateTime.now(ZoneOffset.UTC))
                    .update();
        } catch (DuplicateKeyException anotherNodeWasFirst) {
            // Its key is the one every node uses; ours is dropped.
        }
        ECKey key = read(jdbc, cipher);
        if (key == null) {
            throw new IllegalStateException("the VAPID key was stored but cannot be read back");
        }
        return key;
    }

    /**
     * The key stored as {@code stored} under {@code kid}.
     *
     * @throws IllegalStateException when it does not decrypt as this key id's VAPID key (altered, another key's,
     *     another kind of secret, or sealed with another encryption key), or is not a private P-256 key
     */
    static ECKey open(SecretCipher cipher, String kid, String stored) {
        String json = new String(cipher.decrypt(stored, associatedData(kid)), StandardCharsets.UTF_8);
        ECKey key;
        try {
            key = ECKey.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("the stored VAPID key is not an EC JWK", e);
        }
        if (!kid.equals(key.getKeyID()) || !Curve.P_256.equals(key.getCurve()) || !key.isPrivate()) {
            throw new IllegalStateException("the VAPID key stored under " + kid + " is not that key's P-256 key pair");
        }
        return key;
    }

    private static ECKey read(JdbcClient jdbc, SecretCipher cipher) {
        return jdbc.sql("SELECT kid, jwk FROM vapid_key WHERE id = 1")
                .query((rs, row) -> open(cipher, rs.getString("kid"), rs.getString("jwk")))
                .optional()
                .orElse(null);
    }

    /** Binds a stored key to its key id, and sets it apart from the other secrets sealed with the same key. */
    private static String associatedData(String kid) {
        return "vapid-key:" + kid;
    }

    private static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).algorithm(JWSAlgorithm.ES256)
                    .keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not make a VAPID key", e);
        }
    }
}
