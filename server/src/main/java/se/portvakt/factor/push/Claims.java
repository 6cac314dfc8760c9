package se.portvakt.factor.push;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import se.portvakt.delivery.push.PushSubscription;

/**
 * The payload of a device's message as JSON values, read with their types checked: a field of the wrong type
 * reads as absent, so a malformed message is refused as a bad request and never becomes an exception.
 */
record Claims(Map<String, Object> values) {

    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+={0,2}");

    Claims {
        values = values == null ? Map.of() : values;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    Optional<String> string(String name) {
        return values.get(name) instanceof String text ? Optional.of(text) : Optional.empty();
    }

    /** A whole number (JSON has one number type: 42.0 counts, 42.5 does not). */
    Optional<Long> whole(String name) {
        Object value = values.get(name);
        if (value instanceof Long || value instanceof Integer) {
            return Optional.of(((Number) value).longValue());
        }
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Optional.of(d.longValue());
        }
        return Optional.empty();
    }

    Optional<Claims> object(String name) {
        if (values.get(name) instanceof Map<?, ?> map && map.keySet().stream().allMatch(String.class::isInstance)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) map;
            return Optional.of(new Claims(object));
        }
        return Optional.empty();
    }

    /**
     * The Web Push subscription in {@code name} ({@code {"endpoint":"https://..","keys":{"p256dh":..,"auth":..}}}),
     * if it is one; the caller decides what an absent one means. An {@code http:} endpoint is kept too (a push service
     * inside the network); the sender posts to it only where {@code portvakt.push.private-endpoints} allows.
     */
    Optional<PushSubscription> subscription(String name) {
        Optional<Claims> push = object(name);
        Optional<Claims> keys = push.flatMap(p -> p.object("keys"));
        Optional<String> endpoint = push.flatMap(p -> p.string("endpoint"))
                .filter(url -> (url.startsWith("https://") || url.startsWith("http://")) && url.length() <= 1000 && url.chars().noneMatch(c -> c <= ' '));
        Optional<String> p256dh = keys.flatMap(k -> k.string("p256dh")).filter(k -> k.length() <= 200 && BASE64URL.matcher(k).matches());
        Optional<String> auth = keys.flatMap(k -> k.string("auth")).filter(k -> k.length() <= 100 && BASE64URL.matcher(k).matches());
        if (endpoint.isEmpty() || p256dh.isEmpty() || auth.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PushSubscription(endpoint.get(), p256dh.get(), auth.get()));
    }
}
