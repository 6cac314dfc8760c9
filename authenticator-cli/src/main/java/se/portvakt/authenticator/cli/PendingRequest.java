package se.portvakt.authenticator.cli;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A sign-in waiting for this account's approval, as {@code pending} lists it (decision 0019).
 *
 * @param id the request id, named by {@code decide} and {@code report}
 * @param application the application the person is signing in to
 * @param address the client address the sign-in comes from
 * @param place where that address is, or {@code null} without GeoIP
 * @param createdAt when the sign-in asked
 * @param expiresAt after this the request can no longer be approved
 * @param numbers three distinct two-digit numbers, one of them the number the browser shows
 * @param typeNumber true when the person should type the number instead of choosing it
 */
public record PendingRequest(String id, String application, String address, String place, Instant createdAt,
        Instant expiresAt, List<Integer> numbers, boolean typeNumber) {

    public PendingRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        numbers = List.copyOf(numbers);
    }
}
