package se.portvakt.signin.setup;

import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.factor.FactorKind;
import se.portvakt.factor.sms.PhoneNumbers;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInStep;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;
import se.portvakt.signin.twofactor.CodePage;
import se.portvakt.signin.twofactor.FactorAdded;
import se.portvakt.signin.twofactor.SecondFactorAttempts;
import se.portvakt.signin.twofactor.SmsNumberSetup;
import se.portvakt.signin.twofactor.SmsSending;

/** Step 4c: the code sent to the new backup number; when it is right, the number is saved. */
@Component
class SmsBackupCodeStep implements SignInStep {

    private final SmsNumberSetup setup;
    private final SecondFactorAttempts attempts;
    private final FactorAdded added;

    SmsBackupCodeStep(SmsNumberSetup setup, SecondFactorAttempts attempts, FactorAdded added) {
        this.setup = setup;
        this.attempts = attempts;
        this.added = added;
    }

    @Override
    public Step step() {
        return Step.SMS_BACKUP_CODE;
    }

    /**
     * The code's turn, its counts and its check between two transactions ({@link SecondFactorAttempts#check}), a new
     * code's text outside any; the rest in one (decision 0055).
     */
    @Override
    public boolean inOneTransaction() {
        return true;
    }

    @Override
    public String show(SignInFlow flow, StepContext context, Model model) {
        String masked = setup.pendingPhone(flow.accountId()).map(PhoneNumbers::masked).orElse("");
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
            return context.outsideTransaction(() -> setup.resend(SmsNumberSetup.Who.of(flow, context)))
                    .map(sending -> SmsSending.outcome(sending, flow))
                    .orElseGet(() -> new StepResult.Rejected(flow, "twofactor.sms.failed"));
        }
        String phone = setup.pendingPhone(flow.accountId()).orElse(null);
        return attempts.check(flow, context, FactorKind.SMS,
                () -> setup.check(flow.accountId(), phone, form.getOrDefault("code", "")), () -> {
                    attempts.passed(flow, context, FactorKind.SMS);
                    added.record(flow, context, FactorKind.SMS);
                    return new StepResult.Advance(flow.atStep(Step.EMERGENCY_CODE_SAVE));
                });
    }
}
