package se.portvakt.signin;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
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

/**
 * The limits and the audit trail shared by every page that checks a code (second factors and their set-up):
 * wrong codes count per account, across all kinds, so switching method does not buy more guesses; and per
 * client address.
 */
@Component
public class SecondFactorAttempts {

    /** Pages that check a code of a factor being set up, not one signing in. */
    private static final Set<Step> SET_UP_STEPS = EnumSet.of(Step.AUTHENTICATOR_SETUP_CODE, Step.SMS_BACKUP_CODE);

    private final AttemptLimiter limiter;
    private final AuditLog audit;
    private final SignInMetrics metrics;
    private final Limit perAccount;
    private final Limit perAddress;

    SecondFactorAttempts(AttemptLimiter limiter, AuditLog audit, SignInMetrics metrics, PortvaktProperties properties) {
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
        Admission admission = limiter.admit(new Counted(perAccount, flow.accountId()),
                new Counted(perAddress, context.address()));
        if (admission instanceof Admission.Blocked blocked) {
            record(flow, context, kind, "locked", null);
            metrics.outcome("locked");
            return new StepResult.Locked(flow, blocked.retryAfter(), "twofactor.locked");
        }
        if (check.get() instanceof Verdict.Wrong wrong) {
            record(flow, context, kind, "failure", wrong.messageKey());
            metrics.outcome("failure");
            return new StepResult.Rejected(flow.failedOnce(), wrong.messageKey());
        }
        limiter.release(admission);
        return onRight.get();
    }

    /** A right code: the factor is passed now. */
    public PassedFactor passed(SignInFlow flow, StepContext context, FactorKind kind) {
        record(flow, context, kind, "success", null);
        return new PassedFactor(kind.authority(), Instant.now());
    }

    private void record(SignInFlow flow, StepContext context, FactorKind kind, String outcome, String detail) {
        String name = kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
        String type = SET_UP_STEPS.contains(flow.step()) ? "factor.setup." + name : "signin." + name;
        audit.record(new AuditEvent(type, outcome, flow.accountId(), flow.email().value(), flow.clientId(),
                context.address(), detail));
    }
}
