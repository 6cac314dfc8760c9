package se.portvakt.signin.setup;

import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.factor.sms.PhoneNumbers;
import se.portvakt.factor.sms.SmsCodes;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInStep;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;
import se.portvakt.signin.twofactor.SmsNumberSetup;
import se.portvakt.signin.twofactor.SmsSending;

/**
 * Step 4c, "Enable SMS as a backup method": optional. The number (country +46 unless another is picked) is read
 * as E.164 and confirmed with a code sent to it before it is saved ({@link SmsNumberSetup}).
 */
@Component
class SmsBackupStep implements SignInStep {

    private final SmsNumberSetup setup;

    SmsBackupStep(SmsNumberSetup setup) {
        this.setup = setup;
    }

    @Override
    public Step step() {
        return Step.SMS_BACKUP;
    }

    /**
     * The number's set-up and its code's text outside the transaction (a gateway may take its time), the flow's update
     * in it (decision 0055).
     */
    @Override
    public boolean inOneTransaction() {
        return true;
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
        // The number kept as the set-up and its code sent, each committed on its own before the text goes: the send
        // counts its limits first and may wait for the gateway, holding no connection.
        Optional<SmsCodes.Sending> sending = context.outsideTransaction(
                () -> setup.start(SmsNumberSetup.Who.of(flow, context), form.get("country"), form.get("phone")));
        if (sending.isEmpty()) {
            return new StepResult.Rejected(flow, "twofactor.sms-backup.invalid");
        }
        StepResult sent = SmsSending.outcome(sending.get(), flow);
        return sent instanceof StepResult.Advance ? new StepResult.Advance(flow.atStep(Step.SMS_BACKUP_CODE)) : sent;
    }
}
