package se.portvakt.signin.twofactor;

import java.util.Optional;

import se.portvakt.factor.sms.SmsCodes;
import se.portvakt.factor.sms.SmsCodes.Purpose;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;

/** "Send a new code" on the SMS pages: what the page says when the text could not go. */
public final class SmsSending {

    private SmsSending() {}

    public static StepResult resend(TwoFactorRoute route, SignInFlow flow, Purpose purpose, Optional<String> phone,
            StepContext context) {
        if (phone.isEmpty()) {
            return new StepResult.Rejected(flow, "twofactor.sms.failed");
        }
        return outcome(route.sendCode(flow, purpose, phone.get(), context), flow);
    }

    /**
     * Sent: show the page again (it says where the code went); else say why not, nothing lost. When a limit
     * (per account or per number) refused the text, rather than the short pause between codes, the page says
     * how long to wait.
     */
    public static StepResult outcome(SmsCodes.Sending sending, SignInFlow flow) {
        if (sending instanceof SmsCodes.Sending.Sent) {
            return new StepResult.Advance(flow);
        }
        if (sending instanceof SmsCodes.Sending.TooSoon tooSoon && tooSoon.limitReached()) {
            return new StepResult.Locked(flow, tooSoon.retryAfter(), messageKey(sending));
        }
        return new StepResult.Rejected(flow, messageKey(sending));
    }

    /**
     * What the page says when the text did not go (null when it went): a limit reached (the message takes the
     * minutes to wait), the short pause between two codes, or the provider's trouble.
     */
    public static String messageKey(SmsCodes.Sending sending) {
        if (sending instanceof SmsCodes.Sending.Sent) {
            return null;
        }
        if (sending instanceof SmsCodes.Sending.TooSoon tooSoon) {
            return tooSoon.limitReached() ? "twofactor.sms.too-many" : "twofactor.sms.too-soon";
        }
        return "twofactor.sms.failed";
    }
}
