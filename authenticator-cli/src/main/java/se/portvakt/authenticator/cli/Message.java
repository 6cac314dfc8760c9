package se.portvakt.authenticator.cli;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;

/**
 * An unsigned device message of decision 0019: where it goes and its payload, which always starts with {@code htu}
 * (the URL posted to), {@code iat} (seconds) and {@code jti} (16 random bytes, base64url). Part of the tool's
 * low-level API: {@link Authenticator} builds and signs these itself, and a test can change a claim
 * ({@link #with}), sign with any key or header, and send the result with {@link Authenticator#send}.
 *
 * @param issuer the server's issuer URL
 * @param operation the call, which names the endpoint
 * @param claims the payload, in order; values are strings, numbers, booleans, maps, lists or {@code null}
 */
public record Message(URI issuer, Operation operation, Map<String, Object> claims) {

    /** The {@code typ} of a pairing message, whose header carries the new public key as {@code jwk}. */
    public static final JOSEObjectType PAIR_TYPE = new JOSEObjectType("portvakt-pair+jwt");

    /** The {@code typ} of a paired device's message, whose header names the key by {@code kid}. */
    public static final JOSEObjectType DEVICE_TYPE = new JOSEObjectType("portvakt-device+jwt");

    private static final SecureRandom RANDOM = new SecureRandom();

    public Message {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(operation, "operation");
        claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
    }

    /** A message to {@code operation} with a fresh {@code jti}, issued at {@code now}, without further claims. */
    public static Message to(URI issuer, Operation operation, Instant now) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("htu", endpoint(issuer, operation).toString());
        claims.put("iat", now.getEpochSecond());
        claims.put("jti", randomId());
        return new Message(issuer, operation, claims);
    }

    /** The endpoint of an operation: {@code {issuer}/authenticator/api/{operation}}. */
    public static URI endpoint(URI issuer, Operation operation) {
        return URI.create(issuer + "/authenticator/api/" + operation.path());
    }

    /** Where this message is posted (not necessarily its {@code htu}, which a test may change). */
    public URI url() {
        return endpoint(issuer, operation);
    }

    /** This message with the claim set (or replaced); {@code null} is sent as JSON {@code null}. */
    public Message with(String claim, Object value) {
        Map<String, Object> changed = new LinkedHashMap<>(claims);
        changed.put(claim, value);
        return new Message(issuer, operation, changed);
    }

    /** This message without the claim. */
    public Message without(String claim) {
        Map<String, Object> changed = new LinkedHashMap<>(claims);
        changed.remove(claim);
        return new Message(issuer, operation, changed);
    }

    /** Signed as a paired device: {@code {"alg":"ES256","typ":"portvakt-device+jwt","kid":device}}. */
    public Signed signAsDevice(String device, ECKey key) {
        return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).type(DEVICE_TYPE).keyID(device).build(), key);
    }

    /** Signed as a device pairing {@code key}: {@code {"alg":"ES256","typ":"portvakt-pair+jwt","jwk":public key}}. */
    public Signed signForPairing(ECKey key) {
        return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).type(PAIR_TYPE).jwk(key.toPublicJWK()).build(), key);
    }

    /** Signed with any header, for a test of what the server refuses (a wrong {@code typ}, a foreign key). */
    public Signed sign(JWSHeader header, ECKey key) {
        JWSObject jws = new JWSObject(header, new Payload(claims));
        try {
            jws.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
        }
        return new Signed(this, jws.serialize(), key);
    }

    private static String randomId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
