package se.portvakt.recovery;

/** The two links "Forgot your password?" can send. */
enum LinkKind {
    /** "Reset password": opens the page to choose a new password. */
    RESET,
    /** "One-time sign in link": signs the person in once, in place of the password. */
    SIGNIN_LINK
}
