package se.portvakt.signin.secondfactor;

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
import se.portvakt.signin.twofactor.SecondFactorAttempts;
import se.portvakt.signin.twofactor.TwoFactorRoute;

/** Step 5 with an authenticator app: the 6-digit code it shows now. */
@Component
class AuthenticatorCodeStep implements SignInStep {

    private static final CodePage PAGE = new CodePage("twofactor.title", "twofactor.totp.intro", null,
            "twofactor.code.label", true, false, true, null);

    private final TotpFactor totp;
    private final SecondFactorAttempts attempts;
    private final TwoFactorRoute route;

    AuthenticatorCodeStep(TotpFactor totp, SecondFactorAttempts attempts, TwoFactorRoute route) {
        this.route = route;
        this.totp = totp;
        this.attempts = attempts;
    }

    @Override
    public Step step() {
        return Step.AUTHENTICATOR_CODE;
    }

    /**
     * The code's turn, its counts and its check between two transactions ({@link SecondFactorAttempts#check}); the
     * rest, to the sign-in's end, in one (decision 0055).
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
        return attempts.checkAtSignIn(flow, context, FactorKind.TOTP, form, code -> totp.verify(flow.accountId(), code),
                "twofactor.code.invalid", () -> route.afterSecondFactor(flow));
    }
}
