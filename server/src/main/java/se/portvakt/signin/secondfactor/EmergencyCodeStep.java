package se.portvakt.signin.secondfactor;

import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.account.AccountStore;
import se.portvakt.factor.FactorKind;
import se.portvakt.factor.FactorNotices;
import se.portvakt.factor.emergency.EmergencyCodes;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInStep;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;
import se.portvakt.signin.twofactor.CodePage;
import se.portvakt.signin.twofactor.SecondFactorAttempts;

/** Step 5 with the one-time emergency code, when the phone is lost. It works once; the owner is told by email. */
@Component
class EmergencyCodeStep implements SignInStep {

    private static final CodePage PAGE = new CodePage("twofactor.title", "twofactor.emergency.intro", null,
            "twofactor.emergency.label", false, false, true, null);

    private final EmergencyCodes codes;
    private final SecondFactorAttempts attempts;
    private final AccountStore accounts;
    private final FactorNotices notices;

    EmergencyCodeStep(EmergencyCodes codes, SecondFactorAttempts attempts, AccountStore accounts, FactorNotices notices) {
        this.codes = codes;
        this.attempts = attempts;
        this.accounts = accounts;
        this.notices = notices;
    }

    @Override
    public Step step() {
        return Step.EMERGENCY_CODE;
    }

    /**
     * The code's turn, its counts and its check between two transactions ({@link SecondFactorAttempts#check}); the
     * notice is mailed in the background; the rest in one (decision 0055).
     */
    @Override
    public boolean inOneTransaction() {
        return true;
    }

    @Override
    public String show(SignInFlow flow, StepContext context, Model model) {
        return PAGE.render(flow, model);
    }

    @Override
    public StepResult submit(SignInFlow flow, StepContext context, Map<String, String> form) {
        // The notice goes when this request's code was right (not for a copy sent where the first one went).
        return attempts.checkAtSignIn(flow, context, FactorKind.EMERGENCY_CODE, form,
                code -> codes.use(flow.accountId(), code), "twofactor.emergency.invalid", () -> {
                    accounts.findById(flow.accountId())
                            .ifPresent(account -> notices.emergencyCodeUsed(account, context.locale()));
                    return Step.EMERGENCY_CODE_USED;
                });
    }
}
