package se.portvakt.factor;

/**
 * A stored secret does not open with this node's {@code portvakt.factors.encryption-key}: altered, bound to another
 * account or name, or sealed with another key. At start-up it is nearly always the last: a node started with
 * another key than the nodes that stored the signing keys; {@link SealedWithAnotherKeyAnalyzer} says so, naming
 * the setting, instead of a stack trace. While serving, one such secret fails its one request.
 */
public class SealedWithAnotherKey extends IllegalStateException {

    /** What the operator does about it at start-up. */
    static final String ACTION = "Set " + SecretCipher.SETTING + " (or PORTVAKT_FACTORS_ENCRYPTION_KEY) to the key"
            + " the other nodes on this database have: every node must have the same one. A new key cannot open what"
            + " the old one sealed (the token signing keys, the shared secrets, authenticator-app secrets).";

    SealedWithAnotherKey(String message, Throwable cause) {
        super(message, cause);
    }
}
