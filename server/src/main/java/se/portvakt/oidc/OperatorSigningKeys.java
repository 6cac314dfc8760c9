package se.portvakt.oidc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;

/**
 * The operator's signing-key rotation (decision 0041): {@code POST /actuator/signingkeys} makes a new key for each
 * algorithm, or for {@code {"algorithm": "RS256"}} alone, published at once and signing after
 * {@code portvakt.signing-keys.overlap}; {@code GET} lists the keys with their times and states, never their private
 * parts. Served only to {@code portvakt.operator.allowed-addresses} (loopback when not set), as {@code
 * /actuator/signout} is, without a session or CSRF token.
 */
@Component
@Endpoint(id = "signingkeys")
class OperatorSigningKeys {

    private static final int CONFLICT = 409;

    private final SigningKeys keys;

    OperatorSigningKeys(SigningKeys keys) {
        this.keys = keys;
    }

    /** Every stored key, newest first: key id, algorithm, state, and when it was made, signs from and retires. */
    @ReadOperation
    public Map<String, Object> list() {
        SigningKeySchedule schedule = keys.load();
        Instant now = Instant.now();
        List<Map<String, Object>> listed = new ArrayList<>();
        schedule.keys().stream()
                .sorted((one, other) -> other.signsFrom().compareTo(one.signsFrom()))
                .forEach(key -> {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("kid", key.kid());
                    entry.put("algorithm", key.algorithm());
                    entry.put("state", schedule.stateOf(key, now).value());
                    entry.put("createdAt", key.createdAt().toString());
                    entry.put("signFrom", key.signsFrom().toString());
                    entry.put("retireAfter", key.retireAfter() == null ? null : key.retireAfter().toString());
                    listed.add(entry);
                });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("now", now.toString());
        body.put("keys", listed);
        return body;
    }

    /**
     * 200 with each algorithm's new key and the keys it replaces; 409 when a rotation of that algorithm is under
     * way (its new key does not sign yet); 400 for an algorithm Portvakt does not sign with.
     */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> rotate(@Nullable String algorithm) {
        List<JWSAlgorithm> chosen = SigningKeys.ALGORITHMS.stream()
                .filter(candidate -> algorithm == null || candidate.getName().equals(algorithm))
                .toList();
        if (chosen.isEmpty()) {
            return new WebEndpointResponse<>(Map.of("error", "algorithm must be one of " + SigningKeys.ALGORITHMS),
                    WebEndpointResponse.STATUS_BAD_REQUEST);
        }
        String address = OperatorSignOut.operatorAddress();
        List<Map<String, Object>> rotated = new ArrayList<>();
        int status = WebEndpointResponse.STATUS_OK;
        for (JWSAlgorithm each : chosen) {
            Map<String, Object> entry = new LinkedHashMap<>();
            SigningKeys.Rotation rotation = keys.rotate(each, address);
            entry.put("algorithm", each.getName());
            if (rotation instanceof SigningKeys.Rotation.Rotated done) {
                entry.put("kid", done.kid());
                entry.put("signFrom", done.signFrom().toString());
                entry.put("replaced", done.replaced());
                entry.put("retireAfter", done.retireAfter().toString());
            } else if (rotation instanceof SigningKeys.Rotation.Underway underway) {
                entry.put("error", "a rotation is under way: " + underway.kid() + " signs from " + underway.signFrom());
                status = CONFLICT;
            }
            rotated.add(entry);
        }
        return new WebEndpointResponse<>(Map.of("rotated", rotated), status);
    }
}
