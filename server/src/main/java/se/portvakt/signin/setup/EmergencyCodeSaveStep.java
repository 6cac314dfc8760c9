package se.portvakt.signin.setup;

import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.factor.emergency.EmergencyCodes;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInStep;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;

/**
 * Step 4c, "Save your one-time emergency code": the code is shown once; "Done" works only when "I have safely
 * copied and stored this code." is ticked (the page disables the button, and the server checks the box too).
 */
@Component
class EmergencyCodeSaveStep implements SignInStep {

    private final EmergencyCodes codes;
    private final AuditLog audit;

    EmergencyCodeSaveStep(EmergencyCodes codes, AuditLog audit) {
        this.codes = codes;
        this.audit = audit;
    }

    @Override
    public Step step() {
        return Step.EMERGENCY_CODE_SAVE;
    }

    /** The code stored, its audit row and the sign-in's end in one transaction (decision 0055). */
    @Override
    public boolean inOneTransaction() {
        return true;
    }

    @Override
    public String show(SignInFlow flow, StepContext context, Model model) {
        return show(codes, flow, model, false);
    }

    @Override
    public StepResult submit(SignInFlow flow, StepContext context, Map<String, String> form) {
        return save(codes, audit, flow, context, form);
    }

    /**
     * The page of a new emergency code. After a refused "Done" the same code is shown again (the page sends it
     * back, and it is shown only if it is the one waiting), so a code already copied stays the right one.
     */
    static String show(EmergencyCodes codes, SignInFlow flow, Model model, boolean used) {
        String shown = model.getAttribute("form") instanceof Map<?, ?> form && form.get("code") instanceof String code
                && codes.isShown(flow.accountId(), code) ? code : codes.issue(flow.accountId());
        model.addAttribute("code", shown);
        model.addAttribute("used", used);
        model.addAttribute("action", flow.step().url());
        return "signin/emergency-code-save";
    }

    /** "Done": the box ticked and the shown code still the waiting one, it becomes the account's code. */
    static StepResult save(EmergencyCodes codes, AuditLog audit, SignInFlow flow, StepContext context,
            Map<String, String> form) {
        if (!"on".equals(form.get("stored"))) {
            return new StepResult.Rejected(flow, "twofactor.emergency.tick");
        }
        if (!codes.confirmShown(flow.accountId(), form.getOrDefault("code", ""))) {
            return new StepResult.Rejected(flow, "twofactor.emergency.stale");
        }
        audit.record(new AuditEvent("factor.added", "success", flow.accountId(), flow.email().value(), flow.clientId(),
                context.address(), "emergency_code"));
        return new StepResult.Advance(flow.atStep(Step.DONE));
    }
}
