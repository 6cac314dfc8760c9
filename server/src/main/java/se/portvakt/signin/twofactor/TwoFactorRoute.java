package se.portvakt.signin.twofactor;

import java.time.Instant;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.springframework.stereotype.Component;

import se.portvakt.account.AccountStore;
import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.client.Clients;
import se.portvakt.factor.FactorKind;
import se.portvakt.factor.FactorStore;
import se.portvakt.factor.push.PushRequests;
import se.portvakt.factor.push.PushStart;
import se.portvakt.factor.sms.SmsCodes;
import se.portvakt.factor.sms.SmsCodes.Purpose;
import se.portvakt.oidc.FactorRequirement;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;

/**
 * Where a sign-in goes once the first factor (password or email link) is passed: the person's preferred second
 * factor when 2FA is on (step 5); the 2FA prompt when it is off and not snoozed, or when the application
 * requires 2FA or its request asks for it (step 4); otherwise straight back to the application.
 */
@Component
public class TwoFactorRoute {

    private final FactorStore factors;
    private final AccountStore accounts;
    private final Clients clients;
    private final SmsCodes smsCodes;
    private final PushRequests pushRequests;
    private final AuditLog audit;

    TwoFactorRoute(FactorStore factors, AccountStore accounts, Clients clients, SmsCodes smsCodes,
            PushRequests pushRequests, AuditLog audit) {
        this.factors = factors;
        this.pushRequests = pushRequests;
        this.accounts = accounts;
        this.clients = clients;
        this.smsCodes = smsCodes;
        this.audit = audit;
    }

    /** The flow, just proven by a first factor, moved to its next step. */
    public SignInFlow afterFirstFactor(SignInFlow flow, StepContext context) {
        return afterFirstFactor(flow, context, () -> accounts.twoFactorPromptSnoozed(flow.accountId(), Instant.now()));
    }

    /**
     * {@link #afterFirstFactor(SignInFlow, StepContext)} for a step that read the account's 2FA prompt snooze already
     * ({@code promptSnoozed}): the account is not read again.
     */
    public SignInFlow afterFirstFactor(SignInFlow flow, StepContext context, boolean promptSnoozed) {
        return afterFirstFactor(flow, context, () -> promptSnoozed);
    }

    private SignInFlow afterFirstFactor(SignInFlow flow, StepContext context, BooleanSupplier promptSnoozed) {
        Set<FactorKind> enrolled = factors.enrolled(flow.accountId());
        if (enrolled.isEmpty() && promptSnoozed.getAsBoolean() && !twoFactorRequired(flow)) {
            return flow.atStep(Step.DONE);
        }
        return secondFactor(flow, enrolled, context);
    }

    /**
     * The flow of a signed-in person whose application asks for a second factor the session has not passed: the
     * person's second factor, or the 2FA prompt when there is none yet; never straight back.
     */
    public SignInFlow toSecondFactor(SignInFlow flow, StepContext context) {
        return secondFactor(flow, factors.enrolled(flow.accountId()), context);
    }

    private SignInFlow secondFactor(SignInFlow flow, Set<FactorKind> enrolled, StepContext context) {
        return enrolled.isEmpty() ? flow.atStep(Step.TWO_FACTOR_PROMPT) : enter(flow, enrolled.iterator().next(), context);
    }

    /**
     * Where a sign-in goes once the second factor is passed: back to the application, unless the account has no
     * emergency code (a set-up or an emergency sign-in was left before the code was stored): then it is offered
     * first, so nobody who loses their phone is left without a way in.
     */
    public Step afterSecondFactor(SignInFlow flow) {
        return factors.enrolled(flow.accountId()).contains(FactorKind.EMERGENCY_CODE) ? Step.DONE : Step.EMERGENCY_CODE_SAVE;
    }

    /**
     * Where the set-up goes once its app (Portvakt Authenticator or another) is added: a backup number set up before
     * stays; otherwise one is offered, when texts can be sent at all; then the emergency code.
     */
    public Step afterSetUp(SignInFlow flow) {
        return factors.phone(flow.accountId()).isPresent() || !smsCodes.available() ? Step.EMERGENCY_CODE_SAVE
                : Step.SMS_BACKUP;
    }

    /**
     * The flow moved to the page that asks for this factor; for SMS a code is sent on the way, for push a request
     * (unless push is paused for the account, which that page then says). Both outside the step's transaction: they
     * count and send before they store, and a gateway or push service may take its time (decision 0048).
     */
    public SignInFlow enter(SignInFlow flow, FactorKind kind, StepContext context) {
        return switch (kind) {
            case PUSH -> {
                PushStart started = context.outsideTransaction(() -> pushRequests.start(flow.accountId(), flow.id(),
                        clients.displayName(flow.clientId()), context.address()));
                if (started instanceof PushStart.Sent sent) {
                    audit.record(new AuditEvent("push.request", "sent", flow.accountId(), flow.email().value(),
                            flow.clientId(), context.address(), sent.request().id()));
                }
                yield flow.atStep(Step.CHECK_YOUR_PHONE);
            }
            case TOTP -> flow.atStep(Step.AUTHENTICATOR_CODE);
            case SMS -> {
                factors.phone(flow.accountId()).ifPresent(phone -> sendCode(flow, Purpose.SIGN_IN, phone, context));
                yield flow.atStep(Step.SMS_CODE);
            }
            case EMERGENCY_CODE -> flow.atStep(Step.EMERGENCY_CODE);
        };
    }

    /**
     * True when this sign-in must end with two factors: its application requires them of everyone, or its request
     * asks for them ({@code acr_values}), as the authorization endpoint reads it ({@link FactorRequirement}).
     */
    public boolean twoFactorRequired(SignInFlow flow) {
        return FactorRequirement.of(clients.requiresTwoFactor(flow.clientId()),
                flow.requestParameter(FactorRequirement.ACR_VALUES)).twoFactors();
    }

    /**
     * Sends a code by SMS and notes it in the audit log, outside the step's transaction; what came of it is for the
     * page to say.
     */
    public SmsCodes.Sending sendCode(SignInFlow flow, Purpose purpose, String phone, StepContext context) {
        return context.outsideTransaction(() -> sendCode(flow.accountId(), flow.email().value(), flow.clientId(),
                context.address(), context.locale(), purpose, phone));
    }

    /** {@link #sendCode(SignInFlow, Purpose, String, StepContext)} outside a sign-in ({@code clientId} null). */
    public SmsCodes.Sending sendCode(String accountId, String email, String clientId, String address,
            java.util.Locale locale, Purpose purpose, String phone) {
        SmsCodes.Sending sending = smsCodes.send(accountId, purpose, phone, locale);
        String outcome = sending instanceof SmsCodes.Sending.Sent ? "success"
                : sending instanceof SmsCodes.Sending.TooSoon ? "limited" : "failure";
        String detail = sending instanceof SmsCodes.Sending.Failed failed ? failed.reason() : purpose.name();
        audit.record(new AuditEvent("sms.code", outcome, accountId, email, clientId, address, detail));
        return sending;
    }
}
