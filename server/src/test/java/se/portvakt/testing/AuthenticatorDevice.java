package se.portvakt.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import tools.jackson.databind.JsonNode;

/**
 * Portvakt Authenticator as a test plays it (decision 0019): a P-256 key of its own, compact JWS messages signed
 * with it, posted over real HTTP from an address of its own; after pairing, its calls name the device id.
 */
public final class AuthenticatorDevice {

    public static final String PAIR_TYPE = "portvakt-pair+jwt";
    public static final String DEVICE_TYPE = "portvakt-device+jwt";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String issuer;
    private final ECKey key;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String base;
    private String address = TestPeople.uniqueAddress();
    private String deviceId;

    public AuthenticatorDevice(String issuer) {
        this.issuer = issuer;
        this.base = issuer;
        try {
            this.key = new ECKeyGenerator(Curve.P_256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Acts from this client address from now on. */
    public AuthenticatorDevice from(String clientAddress) {
        this.address = clientAddress;
        return this;
    }

    /** Sends to this server from now on (a node behind the load balancer), still signing for the issuer's URLs. */
    public AuthenticatorDevice via(String nodeUrl) {
        this.base = nodeUrl;
        return this;
    }

    /** The device id the server gave at pairing. */
    public String id() {
        return deviceId;
    }

    /** This device's private key (for a test to sign something else with it). */
    public ECKey key() {
        return key;
    }

    /** Pairs with the code (and a push subscription, or null); keeps the device id of a 201. */
    public HttpResponse<String> pair(String code, Map<String, Object> push) {
        Map<String, Object> claims = claims("/pair");
        claims.put("code", code);
        claims.put("name", "Test phone");
        if (push != null) {
            claims.put("push", push);
        }
        HttpResponse<String> answer = post("/pair", pairingMessage(claims));
        if (answer.statusCode() == 201) {
            deviceId = OidcClient.json(answer).get("device").asString();
        }
        return answer;
    }

    /** A signed pairing message with these claims, the public key in the header. */
    public String pairingMessage(Map<String, Object> claims) {
        return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType(PAIR_TYPE))
                .jwk(key.toPublicJWK()).build(), claims, key);
    }

    /** A signed message of this device to {@code operation} with these fields besides htu, iat and jti. */
    public String message(String operation, Map<String, Object> fields) {
        Map<String, Object> claims = claims(operation);
        claims.putAll(fields);
        return signed(claims);
    }

    /** This device's signature over exactly these claims. */
    public String signed(Map<String, Object> claims) {
        return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType(DEVICE_TYPE)).keyID(deviceId).build(),
                claims, key);
    }

    /** Signs and posts a call. */
    public HttpResponse<String> call(String operation, Map<String, Object> fields) {
        return post(operation, message(operation, fields));
    }

    /** The claims every message has, for {@code operation}: htu, iat now, a fresh jti. */
    public Map<String, Object> claims(String operation) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("htu", issuer + "/authenticator/api" + operation);
        claims.put("iat", Instant.now().getEpochSecond());
        byte[] jti = new byte[16];
        RANDOM.nextBytes(jti);
        claims.put("jti", Base64.getUrlEncoder().withoutPadding().encodeToString(jti));
        return claims;
    }

    /** Posts a body as {@code application/jose}. */
    public HttpResponse<String> post(String operation, String body) {
        return post(operation, "application/jose", body.getBytes(StandardCharsets.US_ASCII));
    }

    public HttpResponse<String> post(String operation, String contentType, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/authenticator/api" + operation))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .header("X-Forwarded-For", address)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("request to " + request.uri() + " failed", e);
        }
    }

    /** The JSON of an answer. */
    public static JsonNode json(HttpResponse<String> answer) {
        return OidcClient.json(answer);
    }

    /** A Web Push subscription as a browser gives it, with an endpoint no other test uses. */
    public static Map<String, Object> subscription() {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        return Map.of("endpoint", "https://push.example.test/" + Base64.getUrlEncoder().withoutPadding().encodeToString(id),
                "keys", Map.of("p256dh", "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
                        "auth", "tBHItJI5svbpez7KI4CCXg"));
    }

    public static String sign(JWSHeader header, Map<String, Object> claims, ECKey key) {
        try {
            JWSObject jws = new JWSObject(header, new Payload(claims));
            jws.sign(new ECDSASigner(key));
            return jws.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
