package se.portvakt.signin.flow;

/**
 * The steps of a sign-in, in journey order. Each has one handler ({@link SignInStep}), in the sub-package of its
 * journey step ({@code password}, {@code setup}, {@code secondfactor}), and one page path.
 */
public enum Step {
    /** Journey step 1: the email address. */
    IDENTIFY(""),
    /** Journey step 2: the password. */
    PASSWORD("/password"),

    /** Step 5: "Check your phone": approve the push request in Portvakt Authenticator, tapping the number shown. */
    CHECK_YOUR_PHONE("/check-your-phone"),
    /** Step 5: a code from the authenticator app. */
    AUTHENTICATOR_CODE("/authenticator-code"),
    /** Step 5: a code sent by SMS to the backup number. */
    SMS_CODE("/sms-code"),
    /** Step 5: the one-time emergency code. */
    EMERGENCY_CODE("/emergency-code"),
    /** Step 5: "Use another method": the person's other factors. */
    OTHER_METHOD("/other-method"),
    /** After the emergency code: it is spent; save the new one, set up again, or turn 2FA off. */
    EMERGENCY_CODE_USED("/emergency-code-used"),

    /** Step 4: "Activate two-factor authentication (2FA)", with "Enable" and "Remind me later". */
    TWO_FACTOR_PROMPT("/two-factor"),
    /** Step 4a: "Get started with 2FA": install Portvakt Authenticator, or "I use another Authenticator app". */
    GET_STARTED("/get-started"),
    /** Step 4a: "Scan the QR code with Portvakt Authenticator to add your account". */
    AUTHENTICATOR_PAIRING("/authenticator-pairing"),
    /** Step 4b: the QR code and key for the authenticator app. */
    AUTHENTICATOR_SETUP("/authenticator-setup"),
    /** Step 4b: the first code from the app confirms the set-up. */
    AUTHENTICATOR_SETUP_CODE("/authenticator-setup-code"),
    /** Step 4c: "Enable SMS as a backup method" (optional). */
    SMS_BACKUP("/sms-backup"),
    /** Step 4c: the code sent to the new number confirms it. */
    SMS_BACKUP_CODE("/sms-backup-code"),
    /** Step 4c: "Save your one-time emergency code". */
    EMERGENCY_CODE_SAVE("/emergency-code-save"),

    /**
     * After every factor, when the person said an earlier sign-in was not theirs ("This wasn't me" on My account):
     * "Choose a new password", with the reset page's rules, before the sign-in goes on.
     */
    NEW_PASSWORD("/new-password"),

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
