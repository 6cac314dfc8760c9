package se.portvakt.authenticator.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where the server may wake this device: a Web Push subscription (RFC 8030 endpoint; RFC 8291 keys, base64url
 * without padding), sent in a pairing or a {@code subscription} call of decision 0019. The command line has no
 * push service of its own; the type is here for callers that have one (and for tests of the server's push).
 *
 * @param endpoint the push service's URL for this subscription
 * @param p256dh the device's P-256 public key for message encryption (65 bytes, uncompressed)
 * @param auth the 16-byte authentication secret
 */
public record PushSubscription(String endpoint, String p256dh, String auth) {

    public PushSubscription {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(p256dh, "p256dh");
        Objects.requireNonNull(auth, "auth");
    }

    /** The {@code push} claim: {@code {"endpoint":..,"keys":{"p256dh":..,"auth":..}}}. */
    Map<String, Object> claim() {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("p256dh", p256dh);
        keys.put("auth", auth);
        Map<String, Object> push = new LinkedHashMap<>();
        push.put("endpoint", endpoint);
        push.put("keys", keys);
        return push;
    }
}
