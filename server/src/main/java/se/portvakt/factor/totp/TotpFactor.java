package se.portvakt.factor.totp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

import org.springframework.stereotype.Component;

import se.portvakt.factor.FactorKind;
import se.portvakt.factor.FactorStore;
import se.portvakt.factor.SecretCipher;

/**
 * An authenticator app as a second factor (journey step 4b): set-up shows a new key until the first code from
 * the app confirms it; signing in accepts a code once (the last accepted time step is kept in the database).
 * Keys are stored AES-GCM encrypted, bound to their account.
 */
@Component
public class TotpFactor {

    private static final Duration SETUP_TIME = Duration.ofHours(1);

    private final FactorStore factors;
    private final SecretCipher cipher;
    private final Totp totp;

    TotpFactor(FactorStore factors, SecretCipher cipher) {
        this.factors = factors;
        this.cipher = cipher;
        this.totp = new Totp(Clock.systemUTC());
    }

    /** The key being set up for this account: the one shown before (a reload shows the same QR code), or a new one. */
    public TotpSecret setupKey(String accountId) {
        return factors.pending(accountId, FactorKind.TOTP)
                .map(pending -> TotpSecret.of(cipher.decrypt(pending.secret(), accountId)))
                .orElseGet(() -> {
                    TotpSecret secret = TotpSecret.generate();
                    factors.savePending(accountId, FactorKind.TOTP, cipher.encrypt(secret.key(), accountId), null,
                            Instant.now().plus(SETUP_TIME));
                    return secret;
                });
    }

    /** The app shows the right code: the key being set up becomes the account's (replacing an older one). */
    public boolean confirmSetup(String accountId, String code) {
        return factors.pending(accountId, FactorKind.TOTP)
                .map(pending -> totp.matchingStep(TotpSecret.of(cipher.decrypt(pending.secret(), accountId)), code))
                .filter(OptionalLong::isPresent)
                .map(step -> factors.confirm(accountId, FactorKind.TOTP, step.getAsLong()))
                .orElse(false);
    }

    /** A code at sign-in: right, and not accepted before (no replay, also not by two requests at once). */
    public boolean verify(String accountId, String code) {
        return factors.secret(accountId, FactorKind.TOTP)
                .map(stored -> totp.matchingStep(TotpSecret.of(cipher.decrypt(stored, accountId)), code))
                .filter(OptionalLong::isPresent)
                .map(step -> factors.acceptTimeStep(accountId, step.getAsLong()))
                .orElse(false);
    }
}
