package se.portvakt.signin.password;

import java.time.Duration;
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
import se.portvakt.signin.Reauthentication;
import se.portvakt.signin.flow.PassedFactor;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInMetrics;
import se.portvakt.signin.flow.SignInStep;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;
import se.portvakt.signin.twofactor.TwoFactorRoute;

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

    /**
     * Two transactions (decision 0048): the account's read and the attempt counted in flight under its three limits
     * (one statement, decision 0059), committed before the check; then, outside any transaction, the password checked
     * (holding no pooled connection); then the outcome's audit rows, the flow's update or end, the browser's new
     * session (decision 0066), and last, the count made a failure (a wrong password) or taken off (a right one).
     */
    @Override
    public boolean inOneTransaction() {
        return true;
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
        // Read once: for the hash, for the audit trail, and for the 2FA prompt's snooze.
        Optional<AccountStore.SigningIn> signingIn = accounts.findSigningIn(flow.email());
        Optional<Account> account = signingIn.map(AccountStore.SigningIn::account);
        String storedHash = account.flatMap(Account::passwordHash).orElse(null);
        String password = form.getOrDefault("password", "");
        // The counts' statement ends the first transaction: a counter row (an office's address is every sign-in's
        // from there) is held for it and the commit only, and parallel guesses see the count at once.
        PasswordAttempts.Admissions counted = attempts.admit(email, address);
        Check check = context.outsideTransaction(() -> check(counted, email, address, form, password, storedHash));

        String accountId = account.map(Account::id).orElse(null);
        if (check instanceof Check.Locked locked) {
            // No password check while locked; the account is still named for the audit trail.
            audit.record(new AuditEvent("signin.password", "locked", accountId, email, flow.clientId(), address, null));
            metrics.outcome("locked");
            return new StepResult.Locked(flow, locked.retryAfter());
        }
        if (check instanceof Check.Busy) {
            // Nothing was checked and nothing stays counted: no wrong password was seen, so no lock to tell anyone of.
            metrics.outcome("busy");
            return new StepResult.Rejected(flow, "signin.busy");
        }
        if (check instanceof Check.NoProof noProof) {
            CaptchaResult proof = noProof.proof();
            audit.record(new AuditEvent("signin.captcha", "failure", null, email, flow.clientId(), address,
                    proof.toString()));
            metrics.outcome("captcha");
            return new StepResult.Rejected(flow,
                    proof instanceof CaptchaResult.Unavailable ? "captcha.unavailable" : "signin.captcha.required");
        }
        Check.Checked checked = (Check.Checked) check;
        PasswordHasher.Verification verification = checked.verification();
        PasswordAttempts.Admissions admissions = checked.admissions();
        if (!verification.matches()) {
            // Last in the outcome's transaction, for the same reason as the count above.
            context.atCommit(() -> attempts.failed(admissions.fromHere(), admissions.fromEverywhere()));
            String reason = account.isEmpty() ? "unknown email" : storedHash == null ? "no password set" : "wrong password";
            audit.record(new AuditEvent("signin.password", "failure", accountId, email, flow.clientId(), address, reason));
            metrics.outcome("failure");
            return new StepResult.Rejected(flow.failedOnce(), "signin.password.invalid");
        }

        Account signedIn = account.orElseThrow();
        if (verification.needsRehash()) {
            String upgraded = context.outsideTransaction(() -> hasher.hash(password));
            accounts.updatePasswordHash(signedIn.id(), upgraded);
            audit.record(new AuditEvent("password.rehashed", "success", signedIn.id(), email, flow.clientId(), address,
                    "upgraded to argon2id"));
        }
        audit.record(new AuditEvent("signin.password", "success", signedIn.id(), email, flow.clientId(), address, null));
        // Taken off last in the outcome's transaction (after the rehash, which commits what came before it), which
        // saves the sign-in's session too (decision 0066): a count that could not be taken off (the database went
        // away) leaves no session behind, and no session is made whose count still stands.
        context.atCommit(() -> attempts.release(admissions.fromHere(), admissions.fromEverywhere()));
        SignInFlow proven = flow.passed(signedIn.id(), new PassedFactor(PassedFactor.PASSWORD, Instant.now()), Step.DONE);
        boolean promptSnoozed = signingIn.orElseThrow().twoFactorPromptSnoozed(Instant.now());
        return new StepResult.Advance(route.afterFirstFactor(proven, context, promptSnoozed));
    }

    /**
     * What the counted check came to: locked, busy (its address full of checks in flight for longer than it may wait),
     * refused for want of the proof of work, or the password checked under these admissions.
     */
    private sealed interface Check {

        record Locked(Duration retryAfter) implements Check {}

        record Busy() implements Check {}

        record NoProof(CaptchaResult proof) implements Check {}

        record Checked(PasswordHasher.Verification verification, PasswordAttempts.Admissions admissions)
                implements Check {}
    }

    /**
     * Checks the password of an attempt counted in flight, between the step's two transactions (decisions 0048 and
     * 0053): the hash holds no connection; a third-party CAPTCHA's check is a call over the network; a check blocked
     * only by the checks in flight beside it waits for them here (decision 0068).
     */
    private Check check(PasswordAttempts.Admissions counted, String email, String address, Map<String, String> form,
            String password, String storedHash) {
        PasswordAttempts.Admissions admissions = attempts.awaitChecksInFlight(email, address, counted);
        if (admissions.busy()) {
            return new Check.Busy();
        }
        Admission fromHere = admissions.fromHere();
        if (fromHere instanceof Admission.Blocked blocked) {
            return new Check.Locked(blocked.retryAfter());
        }
        Admission fromEverywhere = admissions.fromEverywhere();
        if (fromEverywhere instanceof Admission.Blocked) {
            CaptchaResult proof = captcha.verify(form.get(CaptchaVerifier.FORM_FIELD), address);
            if (!proof.passed()) {
                // Not a password failure: nothing was checked, so nothing stays counted.
                attempts.release(fromHere);
                return new Check.NoProof(proof);
            }
        }
        return new Check.Checked(hasher.verify(password, storedHash), admissions);
    }
}
