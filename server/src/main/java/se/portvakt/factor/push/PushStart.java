package se.portvakt.factor.push;

import java.time.Instant;

/** What came of asking for a push approval of a sign-in. */
public sealed interface PushStart {

    /** Created, and pushed to every device of the account that has a subscription. */
    record Sent(PushRequest request) implements PushStart {}

    /** Push is paused for the account (requests denied or unanswered in a row, or "This wasn't me"). */
    record Paused(Instant until) implements PushStart {}

    /** The account has no paired device. */
    record NoDevice() implements PushStart {}
}
