package se.portvakt.signin;

import java.time.Duration;
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
import se.portvakt.ratelimit.AttemptLimiter.Limit;

/**
 * The limits and the audit trail shared by every page that checks a code (second factors and their set-up):
 * wrong codes count per account, across all kinds, so switching method does not buy more guesses; and per
 * client address.
 */
@Component
class SecondFactorAttempts {

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

    /** How long this account (or address) must wait before a code is checked again; zero when it need not. */
    Duration blockedFor(SignInFlow flow, StepContext context) {
        Duration account = limiter.blockedFor(perAccount, flow.accountId());
        Duration address = limiter.blockedFor(perAddress, context.address());
        return account.compareTo(address) >= 0 ? account : address;
    }

    /**
     * The form of a code page at sign-in: "Use another method" goes to the other factors; otherwise, unless the
     * account or address is locked, {@code check} decides, and a right code passes the factor and goes to
     * {@code next} (asked only then, so a wrong code costs no look-up of where to go).
     */
    StepResult checkAtSignIn(SignInFlow flow, StepContext context, FactorKind kind, Map<String, String> form,
            Predicate<String> check, String wrongKey, Supplier<Step> next) {
        if ("other".equals(form.get("action"))) {
            return new StepResult.Advance(flow.atStep(Step.OTHER_METHOD));
        }
        Duration wait = blockedFor(flow, context);
        if (!wait.isZero()) {
            return locked(flow, context, kind, wait);
        }
        if (!check.test(form.getOrDefault("code", ""))) {
            return failed(flow, context, kind, wrongKey);
        }
        return new StepResult.Advance(flow.passed(passed(flow, context, kind), next.get()));
    }

    /** Refuses without checking, when {@link #blockedFor} said so. */
    StepResult locked(SignInFlow flow, StepContext context, FactorKind kind, Duration wait) {
        record(flow, context, kind, "locked", null);
        metrics.outcome("locked");
        return new StepResult.Locked(flow, wait, "twofactor.locked");
    }

    /** A wrong code: counted, audited, and the page says {@code messageKey}. */
    StepResult failed(SignInFlow flow, StepContext context, FactorKind kind, String messageKey) {
        limiter.record(perAccount, flow.accountId());
        limiter.record(perAddress, context.address());
        record(flow, context, kind, "failure", messageKey);
        metrics.outcome("failure");
        return new StepResult.Rejected(flow.failedOnce(), messageKey);
    }

    /** A right code: the factor is passed now. */
    PassedFactor passed(SignInFlow flow, StepContext context, FactorKind kind) {
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
