package se.portvakt.factor.push;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import org.springframework.stereotype.Component;

import se.portvakt.config.PortvaktProperties;

/**
 * Reads the signed messages of decision 0019: a compact JWS, ES256 only, of the expected {@code typ}, whose
 * signature verifies with the device's key (the new key in the header when pairing, the paired key named by
 * {@code kid} after), with {@code htu} this endpoint's URL, {@code iat} within 120 seconds of the server's clock
 * and, for a paired device, a {@code jti} it never sent before.
 */
@Component
class DeviceMessages {

    static final String PAIR_TYPE = "portvakt-pair+jwt";
    static final String DEVICE_TYPE = "portvakt-device+jwt";
    static final Duration CLOCK_SKEW = Duration.ofSeconds(120);

    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    /** A pairing message: the device's new public key and the payload. */
    record Pairing(ECKey publicKey, Claims claims) {}

    /** A paired device's message: the device and the payload. */
    record Call(Device device, Claims claims) {}

    private final Devices devices;
    private final String issuer;

    DeviceMessages(Devices devices, PortvaktProperties properties) {
        this.devices = devices;
        this.issuer = properties.issuer();
    }

    /** A pairing message posted to {@code path}. */
    Checked<Pairing> pairing(String body, String path) {
        Checked<JWSObject> parsed = parse(body, PAIR_TYPE);
        if (parsed instanceof Checked.Refused<JWSObject> refused) {
            return Checked.refused(refused.refusal());
        }
        JWSObject jws = ((Checked.Passed<JWSObject>) parsed).value();
        if (!(jws.getHeader().getJWK() instanceof ECKey key) || !Curve.P_256.equals(key.getCurve()) || key.isPrivate()) {
            return Checked.refused(Refusal.invalidRequest("The header needs jwk: a public P-256 key."));
        }
        if (!verifies(jws, key)) {
            return Checked.refused(Refusal.invalidRequest("The signature does not verify with the key in the header."));
        }
        Checked<Claims> claims = claims(jws, path, Refusal::invalidRequest);
        if (claims instanceof Checked.Refused<Claims> refused) {
            return Checked.refused(refused.refusal());
        }
        return Checked.passed(new Pairing(key.toPublicJWK(), ((Checked.Passed<Claims>) claims).value()));
    }

    /** A paired device's message posted to {@code path}; its {@code jti} is spent here. */
    Checked<Call> call(String body, String path) {
        Checked<JWSObject> parsed = parse(body, DEVICE_TYPE);
        if (parsed instanceof Checked.Refused<JWSObject> refused) {
            return Checked.refused(refused.refusal());
        }
        JWSObject jws = ((Checked.Passed<JWSObject>) parsed).value();
        String kid = jws.getHeader().getKeyID();
        if (kid == null || !DEVICE_ID.matcher(kid).matches()) {
            return Checked.refused(Refusal.invalidRequest("The header needs kid: the device id."));
        }
        Optional<Devices.Key> device = devices.key(kid);
        if (device.isEmpty()) {
            return Checked.refused(Refusal.unknownDevice());
        }
        if (!verifies(jws, device.get().publicKey())) {
            return Checked.refused(Refusal.invalidSignature("The signature does not verify."));
        }
        Checked<Claims> checked = claims(jws, path, Refusal::invalidSignature);
        if (checked instanceof Checked.Refused<Claims> refused) {
            return Checked.refused(refused.refusal());
        }
        Claims claims = ((Checked.Passed<Claims>) checked).value();
        if (!devices.firstUse(kid, claims.string("jti").orElseThrow())) {
            return Checked.refused(Refusal.invalidSignature("This message was sent before."));
        }
        return Checked.passed(new Call(device.get().device(), claims));
    }

    /** A compact JWS, ES256, of the {@code typ} expected (its signature is not checked yet). */
    private static Checked<JWSObject> parse(String body, String type) {
        JWSObject jws;
        try {
            jws = JWSObject.parse(body.strip());
        } catch (ParseException | RuntimeException notAJws) {
            return Checked.refused(Refusal.invalidRequest("The body is not a compact JWS."));
        }
        if (!JWSAlgorithm.ES256.equals(jws.getHeader().getAlgorithm())) {
            return Checked.refused(Refusal.invalidRequest("alg must be ES256."));
        }
        if (!new JOSEObjectType(type).equals(jws.getHeader().getType())) {
            return Checked.refused(Refusal.invalidRequest("typ must be " + type + "."));
        }
        return Checked.passed(jws);
    }

    private static boolean verifies(JWSObject jws, ECKey key) {
        try {
            return jws.verify(new ECDSAVerifier(key));
        } catch (JOSEException | RuntimeException unusable) {
            return false;
        }
    }

    /**
     * The payload's fields that every message has: htu this endpoint, iat near now (else {@code stale}: a bad
     * request when pairing, a refused signature for a paired device), jti random.
     */
    private Checked<Claims> claims(JWSObject jws, String path, Function<String, Refusal> stale) {
        Map<String, Object> json;
        try {
            json = jws.getPayload().toJSONObject();
        } catch (RuntimeException notJson) {
            json = null;
        }
        if (json == null) {
            return Checked.refused(Refusal.invalidRequest("The payload is not a JSON object."));
        }
        Claims claims = new Claims(json);
        if (!claims.string("htu").filter((issuer + path)::equals).isPresent()) {
            return Checked.refused(Refusal.invalidRequest("htu must be " + issuer + path + "."));
        }
        Optional<Long> iat = claims.whole("iat");
        if (iat.isEmpty()) {
            return Checked.refused(Refusal.invalidRequest("iat must be a number of seconds."));
        }
        if (Math.abs(iat.get() - Instant.now().getEpochSecond()) > CLOCK_SKEW.toSeconds()) {
            return Checked.refused(stale.apply("iat is more than 120 s from the server's clock."));
        }
        if (!claims.string("jti").filter(jti -> jti.length() >= 16 && jti.length() <= 128).isPresent()) {
            return Checked.refused(Refusal.invalidRequest("jti must be a random string of 16 to 128 characters."));
        }
        return Checked.passed(claims);
    }
}
