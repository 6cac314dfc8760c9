package se.portvakt.factor.push;

import java.time.Instant;
import java.util.List;

/**
 * A request to approve one sign-in on a paired device (journey step 5, push), with number matching: the browser
 * shows {@code number}, the device offers {@code choices} (three distinct numbers 10-99, one of them right).
 */
public record PushRequest(String id, String accountId, String flowId, int number, List<Integer> choices,
        State state, Instant createdAt, Instant expiresAt) {

    public PushRequest {
        choices = List.copyOf(choices);
    }

    /** Where the request is. A PENDING request past {@code expiresAt} reads as EXPIRED. */
    public enum State { PENDING, APPROVED, DENIED, EXPIRED }
}
