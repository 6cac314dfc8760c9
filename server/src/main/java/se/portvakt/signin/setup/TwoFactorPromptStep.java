package se.portvakt.signin.setup;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.account.AccountStore;
import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInStep;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;
import se.portvakt.signin.twofactor.TwoFactorRoute;

/**
 * Step 4, "Activate two-factor authentication (2FA)": "Enable", or "Remind me later" (not shown again for
 * {@code portvakt.two-factor.prompt-snooze}). When the application requires 2FA, or its request asks for it
 * ({@code acr_values}), there is no later.
 */
@Component
class TwoFactorPromptStep implements SignInStep {

    private final TwoFactorRoute route;
    private final AccountStore accounts;
    private final AuditLog audit;
    private final Duration snooze;

    TwoFactorPromptStep(TwoFactorRoute route, AccountStore accounts, AuditLog audit, PortvaktProperties properties) {
        this.route = route;
        this.accounts = accounts;
        this.audit = audit;
        this.snooze = properties.twoFactor().promptSnooze();
    }

    @Override
    public Step step() {
        return Step.TWO_FACTOR_PROMPT;
    }

    @Override
    public String show(SignInFlow flow, StepContext context, Model model) {
        model.addAttribute("required", route.twoFactorRequired(flow));
        model.addAttribute("snoozeDays", Math.max(1, snooze.toDays()));
        return "signin/two-factor";
    }

    /** The snooze, its audit row and the sign-in's end (or the flow's update) are one transaction. */
    @Override
    public boolean inOneTransaction() {
        return true;
    }

    @Override
    public StepResult submit(SignInFlow flow, StepContext context, Map<String, String> form) {
        if ("later".equals(form.get("action"))) {
            if (route.twoFactorRequired(flow)) {
                return new StepResult.Rejected(flow, "twofactor.prompt.required");
            }
            accounts.snoozeTwoFactorPrompt(flow.accountId(), Instant.now().plus(snooze));
            audit.record(new AuditEvent("two-factor.prompt", "snoozed", flow.accountId(), flow.email().value(),
                    flow.clientId(), context.address(), null));
            return new StepResult.Advance(flow.atStep(Step.DONE));
        }
        return new StepResult.Advance(flow.atStep(Step.GET_STARTED));
    }
}
