package se.portvakt.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.security.crypto.password.PasswordEncoder;

import se.portvakt.password.PasswordHasher;

/**
 * Checks client secrets against their Argon2id hashes, remembering a successful check for a few minutes,
 * so a machine client calling the token endpoint many times a second pays the hash once, not every time.
 *
 * <p>What is remembered is an HMAC of (hash, secret) under a key that lives only in this process, never the
 * secret; only successes are remembered, and a changed hash misses the cache.
 */
final class ClientSecretEncoder implements PasswordEncoder {

    private static final Duration REMEMBER = Duration.ofMinutes(5);
    private static final int MAX_ENTRIES = 10_000;

    private final PasswordHasher hasher;
    private final Counter hashed;
    private final SecretKeySpec key;
    private final Map<String, Long> verified = new ConcurrentHashMap<>();

    ClientSecretEncoder(PasswordHasher hasher, MeterRegistry metrics) {
        this.hasher = hasher;
        this.hashed = Counter.builder("portvakt.client.secret.checks")
                .description("Client secrets checked against their Argon2id hash (not answered from the cache)")
                .register(metrics);
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        this.key = new SecretKeySpec(bytes, "HmacSHA256");
    }

    @Override
    public String encode(CharSequence rawPassword) {
        return hasher.hash(rawPassword.toString());
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        if (rawPassword == null || encodedPassword == null) {
            return false;
        }
        String fingerprint = fingerprint(rawPassword, encodedPassword);
        long now = System.nanoTime();
        Long until = verified.get(fingerprint);
        if (until != null && until - now > 0) {
            return true;
        }
        hashed.increment();
        boolean matches = hasher.verify(rawPassword.toString(), encodedPassword).matches();
        if (matches) {
            if (verified.size() >= MAX_ENTRIES) {
                verified.clear();
            }
            verified.put(fingerprint, now + REMEMBER.toNanos());
        }
        return matches;
    }

    /** True when this secret was checked right against this hash a short while ago: checking it again costs no hash. */
    boolean remembers(CharSequence rawPassword, String encodedPassword) {
        if (rawPassword == null || encodedPassword == null) {
            return false;
        }
        Long until = verified.get(fingerprint(rawPassword, encodedPassword));
        return until != null && until - System.nanoTime() > 0;
    }

    private String fingerprint(CharSequence raw, String encoded) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(encoded.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(raw.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
