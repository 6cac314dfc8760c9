package se.portvakt.signin.setup;

import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.account.AccountStore;
import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.factor.FactorNotices;
import se.portvakt.factor.FactorStore;
import se.portvakt.factor.emergency.EmergencyCodes;
import se.portvakt.factor.push.Devices;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInStep;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;
import se.portvakt.signin.twofactor.TwoFactorRequiredBy;

/**
 * After signing in with the emergency code: it is spent, so a new one is shown to save; or the person sets up
 * the authenticator app again (a new phone), or turns two-factor authentication off, unless an application the person
 * uses requires two factors (decision 0035, as on My account): then "off" is not offered, and refused if posted.
 */
@Component
class EmergencyCodeUsedStep implements SignInStep {

    private final EmergencyCodes codes;
    private final FactorStore factors;
    private final Devices devices;
    private final AccountStore accounts;
    private final FactorNotices notices;
    private final AuditLog audit;
    private final TwoFactorRequiredBy requiredBy;

    EmergencyCodeUsedStep(EmergencyCodes codes, FactorStore factors, Devices devices, AccountStore accounts,
            FactorNotices notices, AuditLog audit, TwoFactorRequiredBy requiredBy) {
        this.codes = codes;
        this.factors = factors;
        this.devices = devices;
        this.accounts = accounts;
        this.notices = notices;
        this.audit = audit;
        this.requiredBy = requiredBy;
    }

    @Override
    public Step step() {
        return Step.EMERGENCY_CODE_USED;
    }

    /**
     * The choice (a new code stored, or 2FA turned off with its audit rows) and the sign-in's end in one transaction;
     * the notice is mailed in the background (decision 0055).
     */
    @Override
    public boolean inOneTransaction() {
        return true;
    }

    @Override
    public String show(SignInFlow flow, StepContext context, Model model) {
        model.addAttribute("requiredBy", requiredBy.applicationOf(flow.accountId(), flow.clientId()).orElse(null));
        return EmergencyCodeSaveStep.show(codes, flow, model, true);
    }

    @Override
    public StepResult submit(SignInFlow flow, StepContext context, Map<String, String> form) {
        String action = form.getOrDefault("action", "");
        if (action.equals("setup")) {
            return new StepResult.Advance(flow.atStep(Step.AUTHENTICATOR_SETUP));
        }
        if (action.equals("off") && requiredBy.applicationOf(flow.accountId(), flow.clientId()).isPresent()) {
            audit.record(new AuditEvent("factor.removed", "refused", flow.accountId(), flow.email().value(),
                    flow.clientId(), context.address(),
                    "turn off with the emergency code: an application requires two-factor authentication"));
            return new StepResult.Rejected(flow, "twofactor.used.required");
        }
        if (action.equals("off")) {
            factors.removeAll(flow.accountId());
            devices.removeAll(flow.accountId());
            audit.record(new AuditEvent("factor.removed", "success", flow.accountId(), flow.email().value(),
                    flow.clientId(), context.address(), "two-factor authentication turned off with the emergency code"));
            accounts.findById(flow.accountId()).ifPresent(account -> notices.twoFactorOff(account, context.locale()));
            return new StepResult.Advance(flow.atStep(Step.DONE));
        }
        return EmergencyCodeSaveStep.save(codes, audit, flow, context, form);
    }
}
