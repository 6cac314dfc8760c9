package se.portvakt.signin.twofactor;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.springframework.stereotype.Component;

import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.factor.FactorKind;
import se.portvakt.ratelimit.AttemptLimiter;
import se.portvakt.ratelimit.AttemptLimiter.Admission;
import se.portvakt.ratelimit.AttemptLimiter.Counted;
import se.portvakt.ratelimit.AttemptLimiter.Limit;
import se.portvakt.signin.flow.PassedFactor;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInFlowStore;
import se.portvakt.signin.flow.SignInMetrics;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;

/**
 * The limits and the audit trail shared by every page that checks a code (second factors and their set-up, at the
 * sign-in and on My account):
 * wrong codes count per account, across all kinds, so switching method does not buy more guesses; and per
 * client address.
 */
@Component
public class SecondFactorAttempts {

    /** Pages that check a code of a factor being set up, not one signing in. */
    private static final Set<Step> SET_UP_STEPS = EnumSet.of(Step.AUTHENTICATOR_SETUP_CODE, Step.SMS_BACKUP_CODE);

    /** How long a request holds its flow's code check at most (one that died meanwhile frees it then). */
    private static final Duration CHECK_HELD = Duration.ofSeconds(10);
    /** How long a request waits for another check of its flow, and how often it looks. */
    private static final Duration WAIT = Duration.ofSeconds(3);
    private static final Duration LOOK_EVERY = Duration.ofMillis(50);

    private final AttemptLimiter limiter;
    private final AuditLog audit;
    private final SignInMetrics metrics;
    private final SignInFlowStore flows;
    private final Limit perAccount;
    private final Limit perAddress;

    SecondFactorAttempts(AttemptLimiter limiter, AuditLog audit, SignInMetrics metrics, SignInFlowStore flows,
            PortvaktProperties properties) {
        this.flows = flows;
        this.limiter = limiter;
        this.audit = audit;
        this.metrics = metrics;
        var settings = properties.twoFactor();
        this.perAccount = new Limit("second-factor.account", settings.failedCodesPerAccount(), settings.window());
        this.perAddress = new Limit("second-factor.address", properties.limits().failedSignInsPerAddress(),
                settings.window());
    }

    /** What a page's check of a code found. */
    public sealed interface Verdict {

        /** The verdict for a right code. */
        Verdict RIGHT = new Right();

        /** The code is right. */
        record Right() implements Verdict {}

        /** The code is wrong, or no longer works; the page says {@code messageKey}. */
        record Wrong(String messageKey) implements Verdict {}

        /** Nothing was checked: the account or the address is at its limit until {@code retryAfter} has passed. */
        record Locked(Duration retryAfter) implements Verdict {}
    }

    /**
     * The form of a code page at sign-in: "Use another method" goes to the other factors; otherwise {@code check}
     * decides within the limits (see {@link #check}), and a right code passes the factor and goes to {@code next}
     * (asked only then, so a wrong code costs no look-up of where to go).
     */
    public StepResult checkAtSignIn(SignInFlow flow, StepContext context, FactorKind kind, Map<String, String> form,
            Predicate<String> check, String wrongKey, Supplier<Step> next) {
        if ("other".equals(form.get("action"))) {
            return new StepResult.Advance(flow.atStep(Step.OTHER_METHOD));
        }
        String code = form.getOrDefault("code", "");
        return check(flow, context, kind, () -> check.test(code) ? Verdict.RIGHT : new Verdict.Wrong(wrongKey),
                () -> new StepResult.Advance(flow.passed(passed(flow, context, kind), next.get())));
    }

    /**
     * Checks a code within the limits. The attempt is counted before {@code check} runs, one conditional statement
     * per limit, so that a burst of requests cannot pass the limit before the first failures count; when the
     * account or address is at its limit, nothing is checked and the page says how long to wait. A wrong code
     * stays counted (and is audited); a right one is given back, and {@code onRight} goes on.
     */
    public StepResult check(SignInFlow flow, StepContext context, FactorKind kind, Supplier<Verdict> check,
            Supplier<StepResult> onRight) {
        // Between the step's two transactions (decision 0055): the wait for the flow's check sleeps, which must hold
        // no connection, and a counter row is held for one statement only (decision 0048); so the wait, the counts,
        // the code's check (it spends the code) and the give-back each commit on their own, as they did before.
        InTurn inTurn = context.outsideTransaction(() -> {
            Optional<StepResult> movedOn = oneCheckAtATime(flow);
            return movedOn.isPresent() ? new InTurn(movedOn.get(), null)
                    : new InTurn(null, counted(flow.accountId(), flow.email().value(), flow.clientId(),
                            context.address(), auditType(flow, kind), check));
        });
        if (inTurn.movedOn() != null) {
            return inTurn.movedOn();
        }
        Verdict verdict = inTurn.verdict();
        if (verdict instanceof Verdict.Locked locked) {
            flows.endCodeCheck(flow.id());
            metrics.outcome("locked");
            return new StepResult.Locked(flow, locked.retryAfter(), "twofactor.locked");
        }
        if (verdict instanceof Verdict.Wrong wrong) {
            metrics.outcome("failure");
            return new StepResult.Rejected(flow.failedOnce(), wrong.messageKey());
        }
        return onRight.get();
    }

    /** What came of a code's turn: another request moved the sign-in on ({@code movedOn}), or the {@code verdict}. */
    private record InTurn(StepResult movedOn, Verdict verdict) {}

    /**
     * The codes of one sign-in are checked one at a time (decision 0052). A request that finds another checking a code
     * of its flow waits for it; when that one moved the sign-in on (the same form sent twice: the first copy's code was
     * right), this one goes where the sign-in is now, unchecked and not counted as a wrong code, by an {@code Advance}
     * to the stored flow, which the controller cannot store over the step it left and follows instead. Empty: this
     * request checks (it holds the check, or the flow is not stored). After {@link #WAIT} it goes back to its page
     * unchecked.
     */
    private Optional<StepResult> oneCheckAtATime(SignInFlow flow) {
        Instant deadline = Instant.now().plus(WAIT);
        while (true) {
            Instant now = Instant.now();
            if (flows.beginCodeCheck(flow.id(), flow.step(), now, now.plus(CHECK_HELD))) {
                return Optional.empty();
            }
            Optional<SignInFlow> stored = flows.find(flow.id(), now);
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            if (stored.get().step() != flow.step() || now.isAfter(deadline)) {
                return Optional.of(new StepResult.Advance(stored.get()));
            }
            if (flows.codeCheckUnderway(flow.id(), now).orElse(false)) {
                sleep(LOOK_EVERY);
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a code check", e);
        }
    }

    /**
     * {@link #check} for a page outside a sign-in (My account): the same counters per account and per address, the
     * attempt counted before {@code check} runs; {@link Verdict.Locked} when nothing was checked. Wrong codes and
     * locks are audited as {@code auditType} ({@code clientId} null: no application).
     */
    public Verdict counted(String accountId, String email, String clientId, String address, String auditType,
            Supplier<Verdict> check) {
        Admission admission = limiter.admit(new Counted(perAccount, accountId), new Counted(perAddress, address));
        if (admission instanceof Admission.Blocked blocked) {
            audit.record(new AuditEvent(auditType, "locked", accountId, email, clientId, address, null));
            return new Verdict.Locked(blocked.retryAfter());
        }
        Verdict verdict = check.get();
        if (verdict instanceof Verdict.Wrong wrong) {
            audit.record(new AuditEvent(auditType, "failure", accountId, email, clientId, address, wrong.messageKey()));
            return verdict;
        }
        limiter.release(admission);
        return verdict;
    }

    /** A right code: the factor is passed now. */
    public PassedFactor passed(SignInFlow flow, StepContext context, FactorKind kind) {
        record(flow, context, kind, "success", null);
        return new PassedFactor(kind.authority(), Instant.now());
    }

    private void record(SignInFlow flow, StepContext context, FactorKind kind, String outcome, String detail) {
        audit.record(new AuditEvent(auditType(flow, kind), outcome, flow.accountId(), flow.email().value(),
                flow.clientId(), context.address(), detail));
    }

    private static String auditType(SignInFlow flow, FactorKind kind) {
        String name = kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
        return SET_UP_STEPS.contains(flow.step()) ? "factor.setup." + name : "signin." + name;
    }
}
