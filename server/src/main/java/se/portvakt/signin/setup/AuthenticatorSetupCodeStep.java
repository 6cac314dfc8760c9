package se.portvakt.signin.setup;

import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.factor.FactorKind;
import se.portvakt.factor.totp.TotpFactor;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInStep;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;
import se.portvakt.signin.twofactor.CodePage;
import se.portvakt.signin.twofactor.FactorAdded;
import se.portvakt.signin.twofactor.SecondFactorAttempts;
import se.portvakt.signin.twofactor.SecondFactorAttempts.Verdict;
import se.portvakt.signin.twofactor.TwoFactorRoute;

/** Step 4b, "enter the security code": the app's first code proves it holds the key, and 2FA is on. */
@Component
class AuthenticatorSetupCodeStep implements SignInStep {

    private static final CodePage PAGE = new CodePage("twofactor.setup.title", "twofactor.setup.code.intro", null,
            "twofactor.code.label", true, false, false, "twofactor.setup.back");

    private final TotpFactor totp;
    private final SecondFactorAttempts attempts;
    private final FactorAdded added;
    private final TwoFactorRoute route;

    AuthenticatorSetupCodeStep(TotpFactor totp, SecondFactorAttempts attempts, FactorAdded added, TwoFactorRoute route) {
        this.totp = totp;
        this.attempts = attempts;
        this.added = added;
        this.route = route;
    }

    @Override
    public Step step() {
        return Step.AUTHENTICATOR_SETUP_CODE;
    }

    /**
     * The code's turn, its counts and its check between two transactions ({@link SecondFactorAttempts#check}); the rest
     * in one (decision 0055).
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
        if ("back".equals(form.get("action"))) {
            return new StepResult.Advance(flow.atStep(Step.AUTHENTICATOR_SETUP));
        }
        return attempts.check(flow, context, FactorKind.TOTP,
                () -> totp.confirmSetup(flow.accountId(), form.getOrDefault("code", "")) ? Verdict.RIGHT
                        : new Verdict.Wrong("twofactor.setup.code.invalid"),
                () -> {
                    added.record(flow, context, FactorKind.TOTP);
                    return new StepResult.Advance(
                            flow.passed(attempts.passed(flow, context, FactorKind.TOTP), route.afterSetUp(flow)));
                });
    }
}
