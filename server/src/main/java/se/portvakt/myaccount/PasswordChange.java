package se.portvakt.myaccount;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.account.PasswordChanged;
import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.password.PasswordHasher;
import se.portvakt.password.PasswordPolicy;
import se.portvakt.ratelimit.AttemptLimiter.Admission;
import se.portvakt.signin.password.PasswordAttempts;

/**
 * Changes (or creates) the signed-in person's password on My account: the current password checked under the
 * sign-in's limits (a wrong one counts as a failed sign-in, decision 0032), the new one under the reset page's rules;
 * then everything a reset does: every other session and every token of the account ends ({@link PasswordChanged}),
 * the applications are told, and the person gets the notice by email.
 */
@Service
class PasswordChange {

    private static final String AUDIT_TYPE = "password.change";

    private final AccountStore accounts;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final PasswordAttempts attempts;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;

    PasswordChange(AccountStore accounts, PasswordHasher hasher, PasswordPolicy policy, PasswordAttempts attempts,
            AuditLog audit, ApplicationEventPublisher events) {
        this.accounts = accounts;
        this.hasher = hasher;
        this.policy = policy;
        this.attempts = attempts;
        this.audit = audit;
        this.events = events;
    }

    /** What became of a change. */
    sealed interface Outcome {

        /** The password is changed (or created). */
        record Changed(boolean created) implements Outcome {}

        /** Refused: the message keys of what is wrong (the current password, the reset page's rules). */
        record Refused(List<String> problems) implements Outcome {}

        /** Too many wrong passwords for this account from this address (or from this address): as the sign-in. */
        record Locked(Duration retryAfter) implements Outcome {}
    }

    /**
     * Checks the current password (when the account has one) and the new one, and changes it.
     *
     * @param sessionId the browser session that asks, which stays signed in
     */
    Outcome change(Account account, String current, String password, String confirm, String address, String sessionId,
            Locale locale) {
        String email = account.email().value();
        boolean created = account.passwordHash().isEmpty();
        if (!created) {
            PasswordAttempts.Admissions admissions = attempts.awaitChecksInFlight(email, address,
                    attempts.admit(email, address));
            if (admissions.busy()) {
                // Blocked only by the checks in flight beside it (decision 0068): nothing checked, nothing counted.
                return new Outcome.Refused(List.of("signin.busy"));
            }
            Admission fromHere = admissions.fromHere();
            if (fromHere instanceof Admission.Blocked blocked) {
                audit.record(new AuditEvent(AUDIT_TYPE, "locked", account.id(), email, null, address, null));
                return new Outcome.Locked(blocked.retryAfter());
            }
            // Counted from everywhere too, for the sign-in's proof of work; not asked for here: this session signed in
            // within the re-authentication window, and the limit from here bounds its guesses.
            Admission fromEverywhere = admissions.fromEverywhere();
            if (!hasher.verify(current == null ? "" : current, account.passwordHash().get()).matches()) {
                attempts.failed(fromHere, fromEverywhere);
                audit.record(new AuditEvent(AUDIT_TYPE, "failure", account.id(), email, null, address,
                        "wrong current password"));
                return new Outcome.Refused(List.of("account.password.wrong"));
            }
            attempts.release(fromHere, fromEverywhere);
        }
        String newPassword = password == null ? "" : password;
        List<String> problems = new ArrayList<>(policy.check(newPassword, account.email()).stream()
                .map(PasswordPolicy.Violation::messageKey)
                .toList());
        if (problems.isEmpty() && !newPassword.equals(confirm)) {
            problems.add("password.rule.mismatch");
        }
        if (!problems.isEmpty()) {
            audit.record(new AuditEvent(AUDIT_TYPE, "refused", account.id(), email, null, address,
                    String.join(" ", problems)));
            return new Outcome.Refused(problems);
        }
        accounts.updatePasswordHash(account.id(), hasher.hash(newPassword));
        audit.record(new AuditEvent("password.changed", "success", account.id(), email, null, address,
                created ? "created on my account" : "my account"));
        // Ends the other sessions and tokens, and mails the notice (delivery.mail.PasswordChangedNotice).
        events.publishEvent(new PasswordChanged(account, address, null, sessionId, locale));
        return new Outcome.Changed(created);
    }
}
