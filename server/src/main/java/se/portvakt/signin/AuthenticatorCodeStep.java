package se.portvakt.signin;

import java.time.Duration;
import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.factor.FactorKind;
import se.portvakt.factor.totp.TotpFactor;

/** Step 5 with an authenticator app: the 6-digit code it shows now. */
@Component
class AuthenticatorCodeStep implements SignInStep {

    private static final CodePage PAGE = new CodePage("twofactor.title", "twofactor.totp.intro", null,
            "twofactor.code.label", true, false, true, null);

    private final TotpFactor totp;
    private final SecondFactorAttempts attempts;

    AuthenticatorCodeStep(TotpFactor totp, SecondFactorAttempts attempts) {
        this.totp = totp;
        this.attempts = attempts;
    }

    @Override
    public Step step() {
        return Step.AUTHENTICATOR_CODE;
    }

    @Override
    public String show(SignInFlow flow, StepContext context, Model model) {
        return PAGE.render(flow, model);
    }

    @Override
    public StepResult submit(SignInFlow flow, StepContext context, Map<String, String> form) {
        if ("other".equals(form.get("action"))) {
            return new StepResult.Advance(flow.atStep(Step.OTHER_METHOD));
        }
        Duration wait = attempts.blockedFor(flow, context);
        if (!wait.isZero()) {
            return attempts.locked(flow, context, FactorKind.TOTP, wait);
        }
        if (!totp.verify(flow.accountId(), form.getOrDefault("code", ""))) {
            return attempts.failed(flow, context, FactorKind.TOTP, "twofactor.code.invalid");
        }
        return new StepResult.Advance(flow.passed(attempts.passed(flow, context, FactorKind.TOTP), Step.DONE));
    }
}
