package se.portvakt.signin;

import java.util.Optional;

import se.portvakt.factor.sms.SmsCodes;
import se.portvakt.factor.sms.SmsCodes.Purpose;

/** "Send a new code" on the SMS pages: what the page says when the text could not go. */
final class SmsSending {

    private SmsSending() {}

    static StepResult resend(TwoFactorRoute route, SignInFlow flow, Purpose purpose, Optional<String> phone,
            StepContext context) {
        if (phone.isEmpty()) {
            return new StepResult.Rejected(flow, "twofactor.sms.failed");
        }
        return outcome(route.sendCode(flow, purpose, phone.get(), context), flow);
    }

    /** Sent: show the page again (it says where the code went); else say why not, nothing lost. */
    static StepResult outcome(SmsCodes.Sending sending, SignInFlow flow) {
        if (sending instanceof SmsCodes.Sending.Sent) {
            return new StepResult.Advance(flow);
        }
        return new StepResult.Rejected(flow,
                sending instanceof SmsCodes.Sending.TooSoon ? "twofactor.sms.too-soon" : "twofactor.sms.failed");
    }
}
