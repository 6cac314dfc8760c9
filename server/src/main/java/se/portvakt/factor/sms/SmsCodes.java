package se.portvakt.factor.sms;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import se.portvakt.config.PortvaktProperties;
import se.portvakt.delivery.sms.SmsMessage;
import se.portvakt.factor.KeyedHash;
import se.portvakt.delivery.sms.SmsSender;
import se.portvakt.housekeeping.Purge;
import se.portvakt.ratelimit.AttemptLimiter;
import se.portvakt.ratelimit.AttemptLimiter.Admission;
import se.portvakt.ratelimit.AttemptLimiter.Counted;
import se.portvakt.ratelimit.AttemptLimiter.Limit;

/**
 * Six-digit codes sent by SMS: to sign in with the backup number, or to confirm a number being set up.
 * A code is random, stored only as an HMAC keyed by the server ({@link KeyedHash}) of a random salt of its own
 * and the code, expires (5 minutes by default), stops working after a few wrong entries, and is spent by one
 * conditional UPDATE, so it signs in exactly once. A new code replaces the
 * previous one; codes cannot be sent more often than every {@code smsResendAfter}, nor more than
 * {@code smsPerAccount} per {@code smsWindow} to one account, nor more than {@code smsPerNumber} to one phone
 * number whichever accounts ask (SMS pumping: many accounts texting one premium-rate number).
 */
@Component
public class SmsCodes implements Purge {

    /** What a code is for; a code for one purpose never passes for the other. */
    public enum Purpose { SIGN_IN, CONFIRM_NUMBER }

    /** The outcome of sending a code. */
    public sealed interface Sending {
        record Sent(String phone) implements Sending {}

        /**
         * Not now: try again after this long. {@code limitReached} when the account or the number has had its
         * texts for the window; otherwise only the pause between two codes has not passed yet.
         */
        record TooSoon(Duration retryAfter, boolean limitReached) implements Sending {}

        /** The SMS provider refused or did not answer; nothing was spent, the person can ask again. */
        record Failed(String reason) implements Sending {}
    }

    /** The outcome of checking a code. */
    public enum Check {
        ACCEPTED,
        WRONG,
        /** No code is waiting: never sent, expired, used, or too many wrong entries. A new one must be sent. */
        NONE_VALID
    }

    private static final Logger log = LoggerFactory.getLogger(SmsCodes.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** An admission that counted nothing: releasing it gives nothing back. */
    private static final Admission NOTHING_COUNTED = new Admission.Admitted(List.of());

    private final JdbcClient jdbc;
    private final KeyedHash keyedHash;
    private final SmsSender sender;
    private final AttemptLimiter limiter;
    private final MessageSource messages;
    private final PortvaktProperties.TwoFactor settings;
    private final Limit perAccount;
    private final Limit perNumber;
    private final Limit resendPause;
    private final String issuerHost;

    SmsCodes(JdbcClient jdbc, KeyedHash keyedHash, SmsSender sender, AttemptLimiter limiter, MessageSource messages,
            PortvaktProperties properties) {
        this.jdbc = jdbc;
        this.keyedHash = keyedHash;
        this.sender = sender;
        this.limiter = limiter;
        this.messages = messages;
        this.settings = properties.twoFactor();
        this.perAccount = new Limit("sms.account", settings.smsPerAccount(), settings.smsWindow());
        this.perNumber = new Limit("sms.number", settings.smsPerNumber(), settings.smsWindow());
        // One text per pause, as a count too: the read of the last text below gives the exact wait, but requests
        // arriving together all read "none yet". Windows are fixed, so two texts may fall either side of an edge.
        this.resendPause = !settings.smsResendAfter().isNegative() && !settings.smsResendAfter().isZero()
                ? new Limit("sms.resend", 1, settings.smsResendAfter()) : null;
        this.issuerHost = java.net.URI.create(properties.issuer()).getHost();
    }

    /** True when texts can be sent at all (an SMS provider is configured). */
    public boolean available() {
        return sender.canSend();
    }

    /** Sends a new code to {@code phone}, replacing any code of this purpose not yet used. */
    public Sending send(String accountId, Purpose purpose, String phone, Locale locale) {
        Instant now = Instant.now();
        Duration pause = Duration.ZERO;
        Optional<Instant> last = lastSent(accountId, purpose);
        if (last.isPresent() && last.get().plus(settings.smsResendAfter()).isAfter(now)) {
            pause = Duration.between(now, last.get().plus(settings.smsResendAfter()));
        }
        if (!pause.isZero()) {
            // Nothing is sent, so reading the hourly limits is enough: they only decide what the page says.
            Duration untilLimitEnds = longer(limiter.blockedFor(perAccount, accountId), limiter.blockedFor(perNumber, phone));
            return new Sending.TooSoon(longer(untilLimitEnds, pause), !untilLimitEnds.isZero());
        }
        // The pause as a count too: requests that arrive together all read "no text yet" above; one goes on.
        Admission resend = NOTHING_COUNTED;
        if (resendPause != null) {
            resend = limiter.admit(new Counted(resendPause, accountId + ' ' + purpose.name()));
            if (resend instanceof Admission.Blocked blocked) {
                return new Sending.TooSoon(blocked.retryAfter(), false);
            }
        }
        // Counted before sending, so that a burst of requests cannot pass the limits before the first texts count.
        Admission admission = limiter.admit(new Counted(perAccount, accountId), new Counted(perNumber, phone));
        if (admission instanceof Admission.Blocked blocked) {
            limiter.release(resend);
            return new Sending.TooSoon(blocked.retryAfter(), true);
        }

        String id = UUID.randomUUID().toString();
        String code = "%06d".formatted(RANDOM.nextInt(1_000_000));
        long minutes = Math.max(1, settings.smsCodeTtl().toMinutes());
        String text = messages.getMessage("sms.code", new Object[] {code, minutes, issuerHost}, locale);
        try {
            sender.send(new SmsMessage(phone, text));
        } catch (SmsSender.SmsDeliveryException failed) {
            log.warn("SMS code to {} not sent: {}", PhoneNumbers.masked(phone), failed.getMessage());
            limiter.release(admission); // nothing was sent, nothing is spent
            limiter.release(resend);
            return new Sending.Failed(failed.getMessage());
        }
        Sealed sealed = seal(code);
        jdbc.sql("DELETE FROM sms_code WHERE account_id = :account AND purpose = :purpose AND used_at IS NULL")
                .param("account", accountId)
                .param("purpose", purpose.name())
                .update();
        jdbc.sql("""
                INSERT INTO sms_code (id, account_id, purpose, phone, code_hash, code_salt, attempts, created_at, expires_at)
                VALUES (:id, :account, :purpose, :phone, :hash, :salt, 0, :now, :expires)
                """)
                .param("id", id)
                .param("account", accountId)
                .param("purpose", purpose.name())
                .param("phone", phone)
                .param("hash", sealed.hash())
                .param("salt", sealed.salt())
                .param("now", utc(now))
                .param("expires", utc(now.plus(settings.smsCodeTtl())))
                .update();
        return new Sending.Sent(phone);
    }

    /** Checks a code typed by the person against the last one sent for this purpose, spending it when right. */
    public Check check(String accountId, Purpose purpose, String input) {
        return check(accountId, purpose, input, null);
    }

    /**
     * {@link #check(String, Purpose, String)}, counting only a code sent to {@code phone} (when not null): a number
     * being set up is confirmed only by a code that went to it.
     */
    public Check check(String accountId, Purpose purpose, String input, String phone) {
        String typed = input == null ? "" : input.replaceAll("\\s", "");
        Instant now = Instant.now();
        Optional<Waiting> waiting = jdbc.sql("""
                SELECT id, code_hash, code_salt FROM sms_code
                WHERE account_id = :account AND purpose = :purpose AND used_at IS NULL AND expires_at > :now
                  AND attempts < :max AND (:anyPhone = 1 OR phone = :phone)
                ORDER BY created_at DESC FETCH FIRST 1 ROWS ONLY
                """)
                .param("account", accountId)
                .param("purpose", purpose.name())
                .param("anyPhone", phone == null ? 1 : 0)
                .param("phone", phone == null ? "" : phone)
                .param("now", utc(now))
                .param("max", settings.smsAttemptsPerCode())
                .query((rs, row) -> new Waiting(rs.getString("id"),
                        new Sealed(rs.getString("code_salt"), rs.getString("code_hash"))))
                .optional();
        if (waiting.isEmpty()) {
            return Check.NONE_VALID;
        }
        String id = waiting.get().id();
        // The entry is counted before the comparison, in one conditional statement: a burst of guesses cannot all
        // pass the read above before the first of them counts. Zero rows: the code just stopped working.
        int counted = jdbc.sql("""
                UPDATE sms_code SET attempts = attempts + 1
                WHERE id = :id AND used_at IS NULL AND expires_at > :now AND attempts < :max
                """)
                .param("id", id)
                .param("now", utc(now))
                .param("max", settings.smsAttemptsPerCode())
                .update();
        if (counted == 0) {
            return Check.NONE_VALID;
        }
        if (!matches(waiting.get().sealed(), typed)) {
            return Check.WRONG;
        }
        int spent = jdbc.sql("""
                UPDATE sms_code SET used_at = :now
                WHERE id = :id AND used_at IS NULL AND expires_at > :now
                """)
                .param("now", utc(now))
                .param("id", id)
                .update();
        // Zero rows: another request spent it a moment ago. It worked once; it does not work twice.
        return spent == 1 ? Check.ACCEPTED : Check.NONE_VALID;
    }

    /** The number the last code of this purpose went to, while it can still be used. */
    public Optional<String> pendingPhone(String accountId, Purpose purpose) {
        return jdbc.sql("""
                SELECT phone FROM sms_code WHERE account_id = :account AND purpose = :purpose AND used_at IS NULL
                ORDER BY created_at DESC FETCH FIRST 1 ROWS ONLY
                """)
                .param("account", accountId)
                .param("purpose", purpose.name())
                .query(String.class)
                .optional();
    }

    @Override
    public String name() {
        return "sms-codes";
    }

    /** Codes a day after they expired, when no resend limit looks at them any more. */
    @Override
    public int purgeBatch(Instant now, int batchSize) {
        return jdbc.sql("""
                DELETE FROM sms_code WHERE id IN
                    (SELECT id FROM sms_code WHERE expires_at < :before FETCH FIRST :batch ROWS ONLY)
                """)
                .param("before", utc(now.minus(Duration.ofDays(1))))
                .param("batch", batchSize)
                .update();
    }

    private Optional<Instant> lastSent(String accountId, Purpose purpose) {
        return jdbc.sql("""
                SELECT MAX(created_at) FROM sms_code WHERE account_id = :account AND purpose = :purpose
                """)
                .param("account", accountId)
                .param("purpose", purpose.name())
                .query((rs, row) -> Optional.ofNullable(rs.getObject(1, OffsetDateTime.class)))
                .optional()
                .flatMap(at -> at)
                .map(OffsetDateTime::toInstant);
    }

    private record Waiting(String id, Sealed sealed) {}

    /** A code as stored: its random salt (base64url) and the keyed hash of salt and code (hex). */
    record Sealed(String salt, String hash) {}

    /** The code as it is stored: a new random salt, and the keyed hash of salt and code. */
    Sealed seal(String code) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return new Sealed(Base64.getUrlEncoder().withoutPadding().encodeToString(salt), hash(salt, code));
    }

    /** Whether the typed text is the sealed code, compared in constant time. */
    boolean matches(Sealed sealed, String typed) {
        if (!typed.matches("[0-9]{6}")) {
            return false;
        }
        byte[] salt;
        try {
            salt = Base64.getUrlDecoder().decode(sealed.salt());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("a stored SMS code's salt is not base64url", e);
        }
        return MessageDigest.isEqual(hash(salt, typed).getBytes(StandardCharsets.US_ASCII),
                sealed.hash().getBytes(StandardCharsets.US_ASCII));
    }

    private String hash(byte[] salt, String code) {
        return keyedHash.hex("sms-code", salt, code);
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Duration longer(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
