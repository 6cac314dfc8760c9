package se.portvakt.signin.setup;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.factor.FactorKind;
import se.portvakt.factor.FactorStore;
import se.portvakt.factor.sms.PhoneNumbers;
import se.portvakt.factor.sms.SmsCodes.Purpose;
import se.portvakt.signin.SignInFlow;
import se.portvakt.signin.SignInStep;
import se.portvakt.signin.SmsSending;
import se.portvakt.signin.Step;
import se.portvakt.signin.StepContext;
import se.portvakt.signin.StepResult;
import se.portvakt.signin.TwoFactorRoute;

/**
 * Step 4c, "Enable SMS as a backup method": optional. The number (country +46 unless another is picked) is read
 * as E.164 and confirmed with a code sent to it before it is saved.
 */
@Component
class SmsBackupStep implements SignInStep {

    private static final Duration SETUP_TIME = Duration.ofHours(1);

    private final FactorStore factors;
    private final TwoFactorRoute route;

    SmsBackupStep(FactorStore factors, TwoFactorRoute route) {
        this.factors = factors;
        this.route = route;
    }

    @Override
    public Step step() {
        return Step.SMS_BACKUP;
    }

    @Override
    public String show(SignInFlow flow, StepContext context, Model model) {
        model.addAttribute("countries", PhoneNumbers.countries(context.locale()));
        if (!model.containsAttribute("form")) {
            model.addAttribute("form", Map.of("country", PhoneNumbers.DEFAULT_REGION));
        }
        return "signin/sms-backup";
    }

    @Override
    public StepResult submit(SignInFlow flow, StepContext context, Map<String, String> form) {
        if ("skip".equals(form.get("action"))) {
            return new StepResult.Advance(flow.atStep(Step.EMERGENCY_CODE_SAVE));
        }
        Optional<String> phone = PhoneNumbers.parse(form.get("country"), form.get("phone"));
        if (phone.isEmpty()) {
            return new StepResult.Rejected(flow, "twofactor.sms-backup.invalid");
        }
        factors.savePending(flow.accountId(), FactorKind.SMS, null, phone.get(), Instant.now().plus(SETUP_TIME));
        StepResult sent = SmsSending.outcome(route.sendCode(flow, Purpose.CONFIRM_NUMBER, phone.get(), context), flow);
        return sent instanceof StepResult.Advance ? new StepResult.Advance(flow.atStep(Step.SMS_BACKUP_CODE)) : sent;
    }
}
