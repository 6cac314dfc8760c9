package se.portvakt.signin.password;

import java.time.Duration;
import java.util.List;

import org.springframework.stereotype.Component;

import se.portvakt.config.PortvaktProperties;
import se.portvakt.ratelimit.AttemptLimiter;
import se.portvakt.ratelimit.AttemptLimiter.Admission;
import se.portvakt.ratelimit.AttemptLimiter.Counted;
import se.portvakt.ratelimit.AttemptLimiter.Limit;

/**
 * The limits on wrong passwords (decision 0013), in one place for every page that checks a person's password: the
 * sign-in's password step and My account's current password (decision 0032). One set of counters, so a wrong password
 * on either page counts toward the same lock: per email and client address together, per client address, and per
 * email from everywhere.
 *
 * <p>A check is counted in flight while it runs, which bounds the checks made at once as a failure does; it becomes a
 * failure when the password was wrong ({@link #failed}) and is taken off when it was right ({@link #release}). A count
 * whose end was never written (the database went away meanwhile) ends with the in-flight expiry, not the window
 * (decision 0053). A check refused from here only because of the checks in flight beside it waits for them to end
 * ({@link #awaitChecksInFlight}, decision 0068).
 */
@Component
public class PasswordAttempts {

    private final AttemptLimiter limiter;
    private final Limit perAccount;
    private final Limit perAccountAndAddress;
    private final Limit perAddress;
    private final Duration inFlightWait;

    PasswordAttempts(AttemptLimiter limiter, PortvaktProperties properties) {
        this.limiter = limiter;
        var limits = properties.limits();
        this.inFlightWait = limits.inFlightWait();
        this.perAccount = new Limit("password.email", limits.failedSignInsPerAccount(), limits.window());
        this.perAccountAndAddress = new Limit("password.email-from-address", limits.failedSignInsPerAccountAndAddress(),
                limits.window());
        this.perAddress = new Limit("password.address", limits.failedSignInsPerAddress(), limits.window());
    }

    /**
     * Counts a password check of {@code email} from {@code address} before it is made, in one statement, so that a
     * burst of guesses cannot pass the limits before the first failures count. From here first: blocked past the limit
     * of this email from this address, or of this address (and then not counted from everywhere); then from
     * everywhere, blocked past that limit (which asks for proof of work). Release the admissions when the password was
     * right, or nothing was checked after all; tell {@link #failed} when it was wrong.
     */
    public Admissions admit(String email, String address) {
        List<Admission> inTurn = limiter.admitInFlightInTurn(List.of(fromHere(email, address),
                List.of(new Counted(perAccount, email))));
        return new Admissions(inTurn.get(0), inTurn.size() > 1 ? inTurn.get(1) : NOT_COUNTED);
    }

    /**
     * Counts the check again, for up to {@code portvakt.limits.in-flight-wait}, while it was blocked from here only by
     * the checks in flight beside it (decision 0068): an office's address at nine, where many right passwords are
     * being checked at once, each counted until it is found right. Not in a transaction. Returns the admissions that
     * ended the wait: admitted, blocked by failures (locked), or, after the wait, {@link Admissions#busy}.
     */
    public Admissions awaitChecksInFlight(String email, String address, Admissions counted) {
        AttemptLimiter.Awaited<Admissions> awaited = limiter.awaitInFlight(inFlightWait, fromHere(email, address),
                counted, admissions -> admissions.fromHere() instanceof Admission.Blocked, () -> admit(email, address));
        return awaited.ranOut() ? awaited.admission().asBusy() : awaited.admission();
    }

    /** The counts from here: this email from this address, and this address. */
    private List<Counted> fromHere(String email, String address) {
        // The address goes first in the key: it has no '|', so no two pairs share a key.
        return List.of(new Counted(perAccountAndAddress, address + '|' + email), new Counted(perAddress, address));
    }

    /**
     * A check's counts from here (this email from this address, and this address) and from everywhere (this email).
     * {@code busy}: blocked from here only by the checks in flight beside it, for longer than it may wait; nothing is
     * counted, and no wrong password was seen.
     */
    public record Admissions(Admission fromHere, Admission fromEverywhere, boolean busy) {

        Admissions(Admission fromHere, Admission fromEverywhere) {
            this(fromHere, fromEverywhere, false);
        }

        private Admissions asBusy() {
            return new Admissions(fromHere, fromEverywhere, true);
        }
    }

    /** From everywhere when from here was blocked: nothing counted, nothing to release. */
    private static final Admission NOT_COUNTED = new Admission.Admitted(List.of(), true);

    /** How long until a check of {@code email} from everywhere goes without proof of work; zero when it does now. */
    public Duration blockedFromEverywhere(String email) {
        return limiter.blockedFor(perAccount, email);
    }

    /** Gives counted checks back, in one statement: the password was right, or nothing was checked after all. */
    public void release(Admission... admissions) {
        limiter.release(admissions);
    }

    /** Counts checks as failures for the window, in one statement: the password was wrong. */
    public void failed(Admission... admissions) {
        limiter.failed(admissions);
    }
}
