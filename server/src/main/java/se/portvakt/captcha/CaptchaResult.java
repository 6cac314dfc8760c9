package se.portvakt.captcha;

/** The outcome of one CAPTCHA check: passed, failed (a person or a robot got it wrong), or not checkable now. */
public sealed interface CaptchaResult {

    /** True only for {@link Passed}: every other outcome is a refusal (the check fails closed). */
    default boolean passed() {
        return this instanceof Passed;
    }

    /** The token proves a solved challenge. */
    record Passed() implements CaptchaResult {}

    /**
     * The token is missing, wrong, expired or already used.
     *
     * @param reason a short reason for the log and the audit trail, never for the page
     */
    record Failed(String reason) implements CaptchaResult {}

    /**
     * The token could not be checked: the provider timed out, failed or answered nonsense.
     *
     * @param reason a short reason for the log and the audit trail, never for the page
     */
    record Unavailable(String reason) implements CaptchaResult {}
}
