package se.flexhrm.mobile;

import java.io.Serial;

/**
 * A sign-in that cannot go on, with a message for the person at the terminal (what happened, and what to do), never
 * a stack trace.
 */
final class SignInFailed extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    SignInFailed(String message) {
        super(message);
    }
}
