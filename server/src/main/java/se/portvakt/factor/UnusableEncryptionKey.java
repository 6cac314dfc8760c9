package se.portvakt.factor;

/**
 * The key {@code portvakt.factors.encryption-key} is missing or malformed, so factor secrets could be neither
 * stored nor read: start-up stops, and {@link UnusableEncryptionKeyAnalyzer} tells the operator how to make one.
 */
class UnusableEncryptionKey extends IllegalStateException {

    /** What the operator does about it. */
    static final String ACTION = "Make a key with `openssl rand -base64 32` and set it as " + SecretCipher.SETTING
            + " (or the environment variable PORTVAKT_FACTORS_ENCRYPTION_KEY), the same on every node. Keep it out of"
            + " the repository and keep a copy: without it, every authenticator app that was set up has to be set up"
            + " again.";

    private final String description;

    UnusableEncryptionKey(String problem) {
        super(described(problem) + " " + ACTION);
        this.description = described(problem);
    }

    /** What is wrong, and what the key is for. */
    String description() {
        return description;
    }

    private static String described(String problem) {
        return problem + ". It is the AES-256 key (base64 of 32 random bytes) that encrypts authenticator-app secrets"
                + " in the database.";
    }
}
