package se.portvakt.signin.secondfactor;

import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.factor.FactorKind;
import se.portvakt.factor.FactorStore;
import se.portvakt.factor.sms.PhoneNumbers;
import se.portvakt.factor.sms.SmsCodes;
import se.portvakt.factor.sms.SmsCodes.Purpose;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInStep;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;
import se.portvakt.signin.twofactor.CodePage;
import se.portvakt.signin.twofactor.SecondFactorAttempts;
import se.portvakt.signin.twofactor.SecondFactorAttempts.Verdict;
import se.portvakt.signin.twofactor.SmsSending;
import se.portvakt.signin.twofactor.TwoFactorRoute;

/** Step 5 with the SMS backup: the code texted to the person's number (sent on the way to this page). */
@Component
class SmsCodeStep implements SignInStep {

    private final FactorStore factors;
    private final SmsCodes smsCodes;
    private final TwoFactorRoute route;
    private final SecondFactorAttempts attempts;

    SmsCodeStep(FactorStore factors, SmsCodes smsCodes, TwoFactorRoute route, SecondFactorAttempts attempts) {
        this.factors = factors;
        this.smsCodes = smsCodes;
        this.route = route;
        this.attempts = attempts;
    }

    @Override
    public Step step() {
        return Step.SMS_CODE;
    }

    /**
     * The code's turn, its counts and its check between two transactions ({@link SecondFactorAttempts#check}), a new
     * code's text outside any ({@link TwoFactorRoute#sendCode}); the rest in one (decision 0055).
     */
    @Override
    public boolean inOneTransaction() {
        return true;
    }

    @Override
    public String show(SignInFlow flow, StepContext context, Model model) {
        String masked = factors.phone(flow.accountId()).map(PhoneNumbers::masked).orElse("");
        // No code waiting means the last send failed or the code lapsed: the page says so and offers a new one.
        boolean waiting = smsCodes.pendingPhone(flow.accountId(), Purpose.SIGN_IN).isPresent();
        return new CodePage("twofactor.title", waiting ? "twofactor.sms.intro" : "twofactor.sms.none", masked,
                "twofactor.code.label", true, true, true, null).render(flow, model);
    }

    @Override
    public StepResult submit(SignInFlow flow, StepContext context, Map<String, String> form) {
        String action = form.getOrDefault("action", "");
        if (action.equals("other")) {
            return new StepResult.Advance(flow.atStep(Step.OTHER_METHOD));
        }
        if (action.equals("resend")) {
            return SmsSending.resend(route, flow, Purpose.SIGN_IN, factors.phone(flow.accountId()), context);
        }
        return attempts.check(flow, context, FactorKind.SMS, () -> switch (smsCodes.check(flow.accountId(),
                Purpose.SIGN_IN, form.getOrDefault("code", ""))) {
            case ACCEPTED -> Verdict.RIGHT;
            case WRONG -> new Verdict.Wrong("twofactor.code.invalid");
            case NONE_VALID -> new Verdict.Wrong("twofactor.sms.expired");
        }, () -> {
            factors.used(flow.accountId(), FactorKind.SMS);
            return new StepResult.Advance(
                    flow.passed(attempts.passed(flow, context, FactorKind.SMS), route.afterSecondFactor(flow)));
        });
    }
}
