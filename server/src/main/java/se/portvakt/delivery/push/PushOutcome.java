package se.portvakt.delivery.push;

/** What came of sending one push message. Expected failures are values: a push that does not arrive is not an error. */
public sealed interface PushOutcome {

    /** The push service accepted the message. */
    record Delivered() implements PushOutcome {}

    /** The subscription no longer exists (404 or 410): forget it; the device finds its requests by asking. */
    record Gone() implements PushOutcome {}

    /** The push service refused or did not answer; the reason is for the log. */
    record Failed(String reason) implements PushOutcome {}
}
