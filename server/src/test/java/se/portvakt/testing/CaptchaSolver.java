package se.portvakt.testing;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Solves the built-in proof-of-work CAPTCHA as the browser widget does (ALTCHA protocol v1): fetches a
 * challenge, finds the number, and returns the form value for the field {@code captcha}.
 */
public final class CaptchaSolver {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CaptchaSolver() {}

    /** A solved challenge from the server the agent talks to. */
    public static String solve(HttpAgent agent) {
        HttpResponse<String> response = agent.get("/captcha/challenge");
        if (response.statusCode() != 200) {
            throw new AssertionError("no CAPTCHA challenge: " + response.statusCode() + " " + response.body());
        }
        JsonNode challenge = JSON.readTree(response.body());
        String salt = challenge.get("salt").asString();
        String target = challenge.get("challenge").asString();
        long max = challenge.get("maxnumber").asLong();
        for (long n = 0; n <= max; n++) {
            if (sha256(salt + n).equals(target)) {
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("algorithm", challenge.get("algorithm").asString());
                payload.put("challenge", target);
                payload.put("number", n);
                payload.put("salt", salt);
                payload.put("signature", challenge.get("signature").asString());
                return Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(payload));
            }
        }
        throw new AssertionError("the CAPTCHA challenge has no solution up to " + max);
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
