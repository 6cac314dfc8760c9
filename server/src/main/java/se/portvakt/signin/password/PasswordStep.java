package se.portvakt.signin.password;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.captcha.CaptchaResult;
import se.portvakt.captcha.CaptchaVerifier;
import se.portvakt.password.PasswordHasher;
import se.portvakt.ratelimit.AttemptLimiter.Admission;
import se.portvakt.signin.PassedFactor;
import se.portvakt.signin.Reauthentication;
import se.portvakt.signin.SignInFlow;
import se.portvakt.signin.SignInMetrics;
import se.portvakt.signin.SignInStep;
import se.portvakt.signin.Step;
import se.portvakt.signin.StepContext;
import se.portvakt.signin.StepResult;
import se.portvakt.signin.TwoFactorRoute;

/**
 * Journey step 2, "Password". A wrong email and a wrong password get the same message, and an unknown
 * email costs the same hashing work as a known one, so neither the answer nor its timing reveals an account.
 *
 * <p>Failures count per email and client address together (past the limit, that email is locked from that
 * address only), per email from everywhere (past the limit, each further check needs the proof of work, which
 * slows the owner but never locks them out), and per client address (docs/decisions/0013-lock-out-rule.md).
 */
@Component
class PasswordStep implements SignInStep {

    private final AccountStore accounts;
    private final PasswordHasher hasher;
    private final PasswordAttempts attempts;
    private final AuditLog audit;
    private final SignInMetrics metrics;
    private final TwoFactorRoute route;
    private final CaptchaVerifier captcha;

    PasswordStep(AccountStore accounts, PasswordHasher hasher, PasswordAttempts attempts, AuditLog audit,
            SignInMetrics metrics, TwoFactorRoute route, CaptchaVerifier captcha) {
        this.route = route;
        this.captcha = captcha;
        this.accounts = accounts;
        this.hasher = hasher;
        this.attempts = attempts;
        this.audit = audit;
        this.metrics = metrics;
    }

    @Override
    public Step step() {
        return Step.PASSWORD;
    }

    @Override
    public String show(SignInFlow flow, StepContext context, Model model) {
        model.addAttribute("email", flow.email().value());
        model.addAttribute("reauthenticating", Reauthentication.isUnderway(context.request(), flow.id()));
        // A read, only to show the widget: the decision is made when the form arrives.
        model.addAttribute("captcha", !attempts.blockedFromEverywhere(flow.email().value()).isZero());
        return "signin/password";
    }

    @Override
    public StepResult submit(SignInFlow flow, StepContext context, Map<String, String> form) {
        String email = flow.email().value();
        String address = context.address();
        Admission fromHere = attempts.admitFromHere(email, address);
        if (fromHere instanceof Admission.Blocked blocked) {
            // No password check while locked; the account (a cheap lookup) is still named for the audit trail.
            String accountId = accounts.findByEmail(flow.email()).map(Account::id).orElse(null);
            audit.record(new AuditEvent("signin.password", "locked", accountId, email, flow.clientId(), address, null));
            metrics.outcome("locked");
            return new StepResult.Locked(flow, blocked.retryAfter());
        }
        Admission fromEverywhere = attempts.admitFromEverywhere(email);
        if (fromEverywhere instanceof Admission.Blocked) {
            CaptchaResult proof = captcha.verify(form.get(CaptchaVerifier.FORM_FIELD), address);
            if (!proof.passed()) {
                // Not a password failure: nothing was checked, so nothing stays counted.
                attempts.release(fromHere);
                audit.record(new AuditEvent("signin.captcha", "failure", null, email, flow.clientId(), address,
                        proof.toString()));
                metrics.outcome("captcha");
                return new StepResult.Rejected(flow,
                        proof instanceof CaptchaResult.Unavailable ? "captcha.unavailable" : "signin.captcha.required");
            }
        }

        String password = form.getOrDefault("password", "");
        Optional<Account> account = accounts.findByEmail(flow.email());
        String storedHash = account.flatMap(Account::passwordHash).orElse(null);
        PasswordHasher.Verification verification = hasher.verify(password, storedHash);

        if (!verification.matches()) {
            String reason = account.isEmpty() ? "unknown email" : storedHash == null ? "no password set" : "wrong password";
            audit.record(new AuditEvent("signin.password", "failure", account.map(Account::id).orElse(null), email,
                    flow.clientId(), address, reason));
            metrics.outcome("failure");
            return new StepResult.Rejected(flow.failedOnce(), "signin.password.invalid");
        }

        attempts.release(fromHere);
        attempts.release(fromEverywhere);
        Account signedIn = account.orElseThrow();
        if (verification.needsRehash()) {
            accounts.updatePasswordHash(signedIn.id(), hasher.hash(password));
            audit.record(new AuditEvent("password.rehashed", "success", signedIn.id(), email, flow.clientId(), address,
                    "upgraded to argon2id"));
        }
        audit.record(new AuditEvent("signin.password", "success", signedIn.id(), email, flow.clientId(), address, null));
        SignInFlow proven = flow.passed(signedIn.id(), new PassedFactor(PassedFactor.PASSWORD, Instant.now()), Step.DONE);
        return new StepResult.Advance(route.afterFirstFactor(proven, context));
    }
}
