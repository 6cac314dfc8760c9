package se.portvakt.signin.password;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.account.PasswordChanged;
import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.password.PasswordHasher;
import se.portvakt.password.PasswordPolicy;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInStep;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;

/**
 * "Choose a new password": the sign-in of an account whose owner said a sign-in was not theirs (decision 0034) stops
 * here after its factors, since whoever it was may know the password. The reset page's rules and messages; the old
 * password is refused. Setting it clears the requirement and does what every password change does (other sign-ins
 * in progress, sessions and tokens end, the notice is mailed); then the sign-in goes on.
 */
@Component
class NewPasswordStep implements SignInStep {


    private final AccountStore accounts;
    private final PasswordPolicy policy;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;

    NewPasswordStep(AccountStore accounts, PasswordPolicy policy, PasswordHasher hasher, AuditLog audit,
            ApplicationEventPublisher events) {
        this.accounts = accounts;
        this.policy = policy;
        this.hasher = hasher;
        this.audit = audit;
        this.events = events;
    }

    @Override
    public Step step() {
        return Step.NEW_PASSWORD;
    }

    /**
     * Three transactions (decision 0055): the account's read; the new password and its audit row; the sign-in's end.
     * Between them, with no transaction open, the password hashing and the end of the account's other sessions.
     */
    @Override
    public boolean inOneTransaction() {
        return true;
    }

    @Override
    public String show(SignInFlow flow, StepContext context, Model model) {
        // The controller hands a refusal over as "error"; this page lists it as the reset page lists its problems.
        Object error = model.getAttribute("error");
        if (error instanceof String key) {
            model.addAttribute("problems", List.of(key));
            model.addAttribute("error", null);
        }
        model.addAttribute("email", flow.email().value());
        model.addAttribute("minLength", policy.minLength());
        model.addAttribute("maxLength", policy.maxLength());
        return "signin/new-password";
    }

    @Override
    public StepResult submit(SignInFlow flow, StepContext context, Map<String, String> form) {
        Account account = accounts.findById(flow.accountId()).orElse(null);
        if (account == null) {
            return new StepResult.Advance(flow.atStep(Step.DONE)); // deleted meanwhile: the completion finds nothing
        }
        String password = form.getOrDefault("password", "");
        List<String> problems = policy.check(password, account.email()).stream()
                .map(PasswordPolicy.Violation::messageKey)
                .toList();
        if (!problems.isEmpty()) {
            return new StepResult.Rejected(flow, problems.get(0));
        }
        if (!password.equals(form.get("confirm"))) {
            return new StepResult.Rejected(flow, "password.rule.mismatch");
        }
        // The old password's check and the new one's hash hold no connection (decision 0055). Empty: it is the old one.
        Optional<String> newHash = context.outsideTransaction(
                () -> account.passwordHash().filter(old -> hasher.verify(password, old).matches()).isPresent()
                        ? Optional.<String>empty() : Optional.of(hasher.hash(password)));
        if (newHash.isEmpty()) {
            // Whoever signed in may know this one: that is why a new one is asked for.
            return new StepResult.Rejected(flow, "newpassword.same");
        }
        accounts.updatePasswordHash(account.id(), newHash.get());
        audit.record(new AuditEvent("password.changed", "success", account.id(), account.email().value(),
                flow.clientId(), context.address(), "required after a report"));
        // Ends every session and token, and mails the notice (delivery.mail.PasswordChangedNotice): after the new
        // password is committed, as before, and outside the step's transaction, since Spring Session finds and deletes
        // the sessions in transactions of its own (a second connection).
        context.outsideTransaction(() -> {
            events.publishEvent(new PasswordChanged(account, context.address(), flow.id(), null, context.locale()));
            return null;
        });
        return new StepResult.Advance(flow.atStep(Step.DONE));
    }
}
