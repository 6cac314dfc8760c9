package se.portvakt.factor;

/**
 * The second factors, in the order they are offered at sign-in (the first one a person has is asked for first;
 * push approval in Portvakt Authenticator goes first whenever the person has a device). Each names the Spring Security factor authority that a
 * signed-in session carries when the person passed it, which the ID token's {@code amr} reads.
 */
public enum FactorKind {
    /** Approval of a push request in Portvakt Authenticator, by a key the device holds (amr {@code swk}). */
    PUSH("FACTOR_PUSH"),
    /** A 6-digit code from an authenticator app (RFC 6238). */
    TOTP("FACTOR_TOTP"),
    /** A 6-digit code sent by SMS to the backup number. */
    SMS("FACTOR_SMS"),
    /** The one-time emergency code, for when the phone is lost. */
    EMERGENCY_CODE("FACTOR_EMERGENCY_CODE");

    private final String authority;

    FactorKind(String authority) {
        this.authority = authority;
    }

    /** The factor authority of a session that passed this factor. */
    public String authority() {
        return authority;
    }
}
