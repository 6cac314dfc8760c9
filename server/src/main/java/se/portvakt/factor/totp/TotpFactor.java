package se.portvakt.factor.totp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private static final Logger log = LoggerFactory.getLogger(TotpFactor.class);
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
                .flatMap(pending -> readable(pending.secret(), accountId))
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
                .flatMap(pending -> readable(pending.secret(), accountId))
                .map(key -> totp.matchingStep(key, code))
                .filter(OptionalLong::isPresent)
                .map(step -> factors.confirm(accountId, FactorKind.TOTP, step.getAsLong()))
                .orElse(false);
    }

    /** A code at sign-in: right, and not accepted before (no replay, also not by two requests at once). */
    public boolean verify(String accountId, String code) {
        return factors.secret(accountId, FactorKind.TOTP)
                .flatMap(stored -> readable(stored, accountId))
                .map(key -> totp.matchingStep(key, code))
                .filter(OptionalLong::isPresent)
                .map(step -> factors.acceptTimeStep(accountId, step.getAsLong()))
                .orElse(false);
    }

    /**
     * The key, unless it cannot be decrypted (the encryption key was changed or lost, or the row was altered):
     * then the app's codes are refused like wrong ones, the person can use another method, and the log says why.
     */
    private Optional<TotpSecret> readable(String stored, String accountId) {
        try {
            return Optional.of(TotpSecret.of(cipher.decrypt(stored, accountId)));
        } catch (IllegalStateException unreadable) {
            log.error("The authenticator key of account {} cannot be read ({}); it must be set up again", accountId,
                    unreadable.getMessage());
            return Optional.empty();
        }
    }
}
