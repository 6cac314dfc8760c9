package se.portvakt.signin.flow;

import java.time.Instant;

/**
 * A factor the person passed during this sign-in, as Spring Security's factor authority name
 * (e.g. {@code FACTOR_PASSWORD}), and when.
 */
public record PassedFactor(String authority, Instant at) {

    public static final String PASSWORD = "FACTOR_PASSWORD";

    String encode() {
        return authority + '@' + at.getEpochSecond();
    }

    static PassedFactor decode(String encoded) {
        int at = encoded.lastIndexOf('@');
        return new PassedFactor(encoded.substring(0, at), Instant.ofEpochSecond(Long.parseLong(encoded.substring(at + 1))));
    }
}
