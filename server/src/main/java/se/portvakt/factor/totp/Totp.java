package se.portvakt.factor.totp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.OptionalLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238) with the parameters every authenticator app reads from a QR code:
 * HMAC-SHA1, 6 digits, 30-second steps counted from the Unix epoch (journey steps 4, "Enter the code from
 * your authenticator app", and 5, setting the app up).
 *
 * <p><b>Replay is the caller's to stop.</b> {@link #matchingStep} says which time step a code belongs to; the
 * caller accepts the code only if it can record that step as the account's last accepted one in a single
 * conditional statement, and refuses it when no row changed:
 *
 * <pre>{@code
 * UPDATE account_factor SET last_step = :step, last_used_at = :now
 * WHERE account_id = :account AND kind = 'TOTP' AND (last_step IS NULL OR last_step < :step)
 * }</pre>
 *
 * That refuses the same code a second time, and an older code once a newer one was used, also when two
 * requests race. The caller also limits attempts: a 6-digit code is guessed within 10^6 / 3 tries.
 */
public final class Totp {

    /** 30 seconds per code (RFC 6238's default). */
    static final long STEP_SECONDS = 30;
    static final int DIGITS = 6;
    static final String ALGORITHM = "HmacSHA1";

    /** Steps accepted either side of now: one, for clocks that are a little apart and for typing time. */
    private static final int WINDOW = 1;
    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private final Clock clock;

    public Totp(Clock clock) {
        this.clock = clock;
    }

    /** The number of the 30-second step that {@code time} falls in. */
    public static long timeStep(Instant time) {
        return Math.floorDiv(time.getEpochSecond(), STEP_SECONDS);
    }

    /** The 6-digit code that an authenticator app shows during {@code step}, with leading zeros. */
    public String codeAt(TotpSecret secret, long step) {
        return codeAt(secret.key(), step, DIGITS, ALGORITHM);
    }

    /**
     * The code of {@code digits} digits (1 to 8) with the HMAC {@code algorithm} ({@code HmacSHA1},
     * {@code HmacSHA256}, {@code HmacSHA512}): RFC 4226's dynamic truncation of the HMAC of the step.
     */
    static String codeAt(byte[] key, long step, int digits, String algorithm) {
        byte[] hash;
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            hash = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(step).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available in this JVM", e);
        }
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
        String code = Integer.toString(binary % POWERS_OF_TEN[digits]);
        return "0".repeat(digits - code.length()) + code;
    }

    /**
     * The step of the previous, the current or the next 30 seconds whose code {@code typed} is, or empty when
     * it is none of them or not a code at all (spaces are ignored; anything but exactly 6 digits is refused).
     * All three codes are computed and compared in constant time, so the time taken does not tell which one
     * matched. Should two of them be equal, the latest step is returned, which is the stricter for replay.
     * See the class comment for what the caller must do with the step.
     */
    public OptionalLong matchingStep(TotpSecret secret, String typed) {
        byte[] code = normalised(typed);
        if (code == null) {
            return OptionalLong.empty();
        }
        byte[] key = secret.key();
        long now = timeStep(clock.instant());
        OptionalLong matched = OptionalLong.empty();
        for (long step = now - WINDOW; step <= now + WINDOW; step++) {
            byte[] expected = codeAt(key, step, DIGITS, ALGORITHM).getBytes(StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(expected, code)) {
                matched = OptionalLong.of(step);
            }
        }
        return matched;
    }

    /** The typed code without its spaces, as ASCII, if it is exactly 6 ASCII digits; else null. */
    private static byte[] normalised(String typed) {
        if (typed == null) {
            return null;
        }
        byte[] code = new byte[DIGITS];
        int length = 0;
        for (int i = 0; i < typed.length(); i++) {
            char c = typed.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                continue;
            }
            if (c < '0' || c > '9' || length == DIGITS) {
                return null;
            }
            code[length++] = (byte) c;
        }
        return length == DIGITS ? code : null;
    }
}
