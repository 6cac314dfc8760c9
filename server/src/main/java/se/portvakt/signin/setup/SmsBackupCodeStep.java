package se.portvakt.signin.setup;

import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.factor.FactorKind;
import se.portvakt.factor.FactorStore.Pending;
import se.portvakt.factor.FactorStore;
import se.portvakt.factor.sms.PhoneNumbers;
import se.portvakt.factor.sms.SmsCodes.Purpose;
import se.portvakt.factor.sms.SmsCodes;
import se.portvakt.signin.CodePage;
import se.portvakt.signin.FactorAdded;
import se.portvakt.signin.SecondFactorAttempts.Verdict;
import se.portvakt.signin.SecondFactorAttempts;
import se.portvakt.signin.SignInFlow;
import se.portvakt.signin.SignInStep;
import se.portvakt.signin.SmsSending;
import se.portvakt.signin.Step;
import se.portvakt.signin.StepContext;
import se.portvakt.signin.StepResult;
import se.portvakt.signin.TwoFactorRoute;

/** Step 4c: the code sent to the new backup number; when it is right, the number is saved. */
@Component
class SmsBackupCodeStep implements SignInStep {

    private final FactorStore factors;
    private final SmsCodes smsCodes;
    private final TwoFactorRoute route;
    private final SecondFactorAttempts attempts;
    private final FactorAdded added;

    SmsBackupCodeStep(FactorStore factors, SmsCodes smsCodes, TwoFactorRoute route, SecondFactorAttempts attempts,
            FactorAdded added) {
        this.factors = factors;
        this.smsCodes = smsCodes;
        this.route = route;
        this.attempts = attempts;
        this.added = added;
    }

    @Override
    public Step step() {
        return Step.SMS_BACKUP_CODE;
    }

    @Override
    public String show(SignInFlow flow, StepContext context, Model model) {
        String masked = factors.pending(flow.accountId(), FactorKind.SMS).map(Pending::phone).map(PhoneNumbers::masked)
                .orElse("");
        return new CodePage("twofactor.sms-backup.title", "twofactor.sms.intro", masked, "twofactor.code.label", true,
                true, false, "twofactor.sms-backup.change").render(flow, model);
    }

    @Override
    public StepResult submit(SignInFlow flow, StepContext context, Map<String, String> form) {
        String action = form.getOrDefault("action", "");
        if (action.equals("back")) {
            return new StepResult.Advance(flow.atStep(Step.SMS_BACKUP));
        }
        if (action.equals("resend")) {
            return SmsSending.resend(route, flow, Purpose.CONFIRM_NUMBER,
                    factors.pending(flow.accountId(), FactorKind.SMS).map(Pending::phone), context);
        }
        return attempts.check(flow, context, FactorKind.SMS, () -> {
            SmsCodes.Check check = smsCodes.check(flow.accountId(), Purpose.CONFIRM_NUMBER, form.getOrDefault("code", ""));
            if (check == SmsCodes.Check.WRONG) {
                return new Verdict.Wrong("twofactor.code.invalid");
            }
            if (check == SmsCodes.Check.NONE_VALID || !factors.confirm(flow.accountId(), FactorKind.SMS, null)) {
                return new Verdict.Wrong("twofactor.sms.expired");
            }
            return Verdict.RIGHT;
        }, () -> {
            attempts.passed(flow, context, FactorKind.SMS);
            added.record(flow, context, FactorKind.SMS);
            return new StepResult.Advance(flow.atStep(Step.EMERGENCY_CODE_SAVE));
        });
    }
}
