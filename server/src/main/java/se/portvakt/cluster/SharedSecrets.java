package se.portvakt.cluster;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import se.portvakt.factor.SecretCipher;

/**
 * Secrets that every node must hold the same (a key that signs something one node hands out and another checks),
 * kept in the database: made once, by the first node that asks, and read by every other. Nodes that start together
 * each try to insert their own; the primary key lets one insert win, and all read the winner, as with the VAPID key.
 * The value is sealed with {@link SecretCipher}, bound to {@code shared-secret:} and its name, so a copy of the
 * database alone does not give it away, and no other sealed secret passes for it.
 */
@Component
public class SharedSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final SecretCipher cipher;

    public SharedSecrets(JdbcClient jdbc, SecretCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    /**
     * The secret stored under {@code name}; when there is none, {@code length} random bytes stored first (or the
     * secret another node stored at that moment).
     *
     * @throws IllegalStateException when the stored value does not open as this name's secret (altered, or sealed
     *     with another encryption key)
     */
    public byte[] secret(String name, int length) {
        byte[] existing = read(name);
        if (existing != null) {
            return existing;
        }
        byte[] made = new byte[length];
        RANDOM.nextBytes(made);
        storeUnlessAnotherNodeWasFirst(name, made);
        byte[] secret = read(name);
        if (secret == null) {
            throw new IllegalStateException("the shared secret " + name + " was stored but cannot be read back");
        }
        return secret;
    }

    /**
     * Whether {@code value} (a configured secret that every node must hold the same) is the one the other nodes
     * have: the first node to ask stores its fingerprint under {@code name} (a SHA-256 of it, sealed like the
     * secrets above, so neither a copy of the database nor one with the encryption key gives the value away), and
     * every later one compares its own with it. False when they differ: the caller stops start-up, naming its setting.
     * An operator who changes the value on purpose deletes the row first (see {@code docs/cluster.md}).
     */
    public boolean sameOnEveryNode(String name, byte[] value) {
        byte[] fingerprint = fingerprint(value);
        if (read(name) == null) {
            storeUnlessAnotherNodeWasFirst(name, fingerprint);
        }
        return MessageDigest.isEqual(fingerprint, read(name));
    }

    /** Whether a secret or a fingerprint is stored under {@code name}, without opening it. */
    public boolean stored(String name) {
        return jdbc.sql("SELECT COUNT(*) FROM shared_secret WHERE name = :name")
                .param("name", name)
                .query(Integer.class)
                .single() > 0;
    }

    /** Stores {@code value} sealed under {@code name}; when another node stored one first, its value stays. */
    private void storeUnlessAnotherNodeWasFirst(String name, byte[] value) {
        try {
            jdbc.sql("INSERT INTO shared_secret (name, sealed, created_at) VALUES (:name, :sealed, :at)")
                    .param("name", name)
                    .param("sealed", cipher.encrypt(value, associatedData(name)))
                    .param("at", OffsetDateTime.now(ZoneOffset.UTC))
                    .update();
        } catch (DuplicateKeyException anotherNodeWasFirst) {
            // Its value is the one every node uses (or compares with); ours is dropped.
        }
    }

    private static byte[] fingerprint(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private byte[] read(String name) {
        return jdbc.sql("SELECT sealed FROM shared_secret WHERE name = :name")
                .param("name", name)
                .query((rs, row) -> cipher.decrypt(rs.getString("sealed"), associatedData(name)))
                .optional()
                .orElse(null);
    }

    private static String associatedData(String name) {
        return "shared-secret:" + name;
    }
}
