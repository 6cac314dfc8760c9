package se.portvakt.signin;

/**
 * The steps of a sign-in, in journey order. Each has one handler ({@link SignInStep}) and one page path.
 * Later steps (second factor, enrolment prompt) slot in before {@link #DONE}.
 */
public enum Step {
    /** Journey step 1: the email address. */
    IDENTIFY(""),
    /** Journey step 2: the password. */
    PASSWORD("/password"),
    /** All steps passed: the person is signed in and sent back to the application. */
    DONE(null);

    private final String path;

    Step(String path) {
        this.path = path;
    }

    /** The page of this step, below {@code /signin}. */
    public String url() {
        return "/signin" + path;
    }
}
