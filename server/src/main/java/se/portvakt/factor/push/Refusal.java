package se.portvakt.factor.push;

import java.util.Map;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * Why the device API refused a call, as decision 0019 names it: {@code {"error": .., "error_description": ..}}
 * with its status. Expected, never a 500.
 */
record Refusal(int status, String error, String description) {

    /** 400: not a well-formed message of this endpoint. */
    static Refusal invalidRequest(String description) {
        return new Refusal(400, "invalid_request", description);
    }

    /**
     * 401: bad signature, replayed or stale message. The app keeps its account: a clock that is off, or a message
     * sent twice, is not a removal.
     */
    static Refusal invalidSignature(String description) {
        return new Refusal(401, "invalid_signature", description);
    }

    /** 401: no device has this id (any more): the app forgets the account it was removed from. */
    static Refusal unknownDevice() {
        return new Refusal(401, "unknown_device", "Unknown device: it was removed, or 2FA was turned off.");
    }

    /** 400: the pairing code is unknown, expired or used (one answer for all three). */
    static Refusal invalidCode() {
        return new Refusal(400, "invalid_code", "The pairing code is unknown, expired or used.");
    }

    /** 429: too many failed pairing codes from this address. */
    static Refusal slowDown(long retryAfterSeconds) {
        return new Refusal(429, "slow_down", "Too many failed pairing codes. Try again in " + retryAfterSeconds + " s.");
    }

    ResponseEntity<Object> answer() {
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .cacheControl(CacheControl.noStore())
                .body(Map.of("error", error, "error_description", description));
    }
}
