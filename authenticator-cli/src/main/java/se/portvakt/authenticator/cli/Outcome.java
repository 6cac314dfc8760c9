package se.portvakt.authenticator.cli;

import java.util.List;

/**
 * What the server answered a device call (decision 0019), as a value: every answer the protocol defines, and the
 * unexpected ones, come back as one of these instead of an exception. Each method of {@link Authenticator} says
 * which it returns; {@link DeviceRemoved}, {@link Refused} and {@link Unreachable} can come from any call.
 */
public sealed interface Outcome {

    /** {@code pair}: {@code 201}; the account, with its new key. */
    record Paired(Account account) implements Outcome {}

    /** {@code pending}: the requests waiting (usually none or one). */
    record Requests(List<PendingRequest> requests) implements Outcome {
        public Requests {
            requests = List.copyOf(requests);
        }
    }

    /** {@code decide}: approved with the right number; the browser goes on. */
    record Approved() implements Outcome {}

    /** {@code decide}: denied as asked. */
    record Denied() implements Outcome {}

    /** {@code decide}: the number was not the browser's; the server counts it as a denial. */
    record WrongNumber() implements Outcome {}

    /** {@code decide}: the request has expired. */
    record Expired() implements Outcome {}

    /** {@code decide}: another device or an earlier message decided it already. */
    record Decided() implements Outcome {}

    /** {@code report}: "This wasn't me" is recorded; push is paused for the account and the person is mailed. */
    record Reported() implements Outcome {}

    /** {@code subscription}, {@code remove}: {@code 204}. */
    record Done() implements Outcome {}

    /**
     * {@code 401 invalid_signature}: the server does not take this message from this key. For a device the protocol
     * reads it as "the device was removed" (also a replayed {@code jti}, a stale {@code iat} or a bad signature
     * answer so); {@link Authenticator}'s calls then mark the account removed.
     *
     * @param description the server's {@code error_description}, or {@code null}
     */
    record DeviceRemoved(String description) implements Outcome {}

    /**
     * Any other answer: a protocol error ({@code 400 invalid_request}, {@code 400 invalid_code}, {@code 429
     * slow_down}), or an answer this client cannot read ({@code error} {@code invalid_response}).
     *
     * @param status the HTTP status
     * @param error the {@code error} code, or {@code http_<status>} when the body has none
     * @param description the {@code error_description}, or {@code null}
     */
    record Refused(int status, String error, String description) implements Outcome {}

    /**
     * No answer: the connection failed or timed out.
     *
     * @param reason what went wrong, for a person to read
     */
    record Unreachable(String reason) implements Outcome {}
}
