package se.portvakt.signin.flow;

import java.time.Duration;

/** What submitting a step's form came to. Expected failures are values, not exceptions. */
public sealed interface StepResult {

    /** The step was passed: store this flow and go to its step. */
    record Advance(SignInFlow flow) implements StepResult {}

    /** The form was refused: show the page again with this message (from messages.properties). */
    record Rejected(SignInFlow flow, String messageKey) implements StepResult {}

    /** Too many attempts: refuse without checking, and say when to try again (a message taking the minutes). */
    record Locked(SignInFlow flow, Duration retryAfter, String messageKey) implements StepResult {

        public Locked(SignInFlow flow, Duration retryAfter) {
            this(flow, retryAfter, "signin.locked");
        }
    }
}
