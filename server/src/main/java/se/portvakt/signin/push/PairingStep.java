package se.portvakt.signin.push;

import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.factor.FactorKind;
import se.portvakt.factor.push.Device;
import se.portvakt.factor.push.Pairings;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInStep;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;
import se.portvakt.signin.flow.WaitingStep;
import se.portvakt.signin.twofactor.FactorAdded;
import se.portvakt.signin.twofactor.SecondFactorAttempts;
import se.portvakt.signin.twofactor.TwoFactorRoute;

/**
 * Step 4a, "Scan the QR code with Portvakt Authenticator to add your account": a pairing code as a QR code and
 * typed out, valid for two minutes and once. The page moves on by itself when the app has paired (see
 * {@link WaitingStep}); the app proved it saw this page's code and holds its own key, so the pairing passes the
 * push factor, as the first code from another app does. Each showing of the page makes a new code.
 */
@Component
class PairingStep implements SignInStep, WaitingStep {

    private final Pairings pairings;
    private final FactorAdded added;
    private final SecondFactorAttempts attempts;
    private final TwoFactorRoute route;
    private final PairingPage page;

    PairingStep(Pairings pairings, FactorAdded added, SecondFactorAttempts attempts, TwoFactorRoute route,
            PairingPage page) {
        this.pairings = pairings;
        this.added = added;
        this.attempts = attempts;
        this.route = route;
        this.page = page;
    }

    @Override
    public Step step() {
        return Step.AUTHENTICATOR_PAIRING;
    }

    @Override
    public String show(SignInFlow flow, StepContext context, Model model) {
        page.show(pairings.issue(flow.accountId(), flow.id()), context.locale(), model);
        return "signin/authenticator-pairing";
    }

    @Override
    public StepResult submit(SignInFlow flow, StepContext context, Map<String, String> form) {
        String action = form.getOrDefault("action", "");
        if ("other-app".equals(action)) {
            return new StepResult.Advance(flow.atStep(Step.AUTHENTICATOR_SETUP));
        }
        if ("renew".equals(action)) {
            return new StepResult.Advance(flow); // showing the page again makes a new code
        }
        Optional<Device> paired = pairedBy(flow);
        if (paired.isEmpty()) {
            return new StepResult.Rejected(flow, "push.pair.not-yet");
        }
        added.record(flow, context, FactorKind.PUSH);
        return new StepResult.Advance(flow.passed(attempts.passed(flow, context, FactorKind.PUSH), route.afterSetUp(flow)));
    }

    @Override
    public boolean ready(SignInFlow flow) {
        return pairedBy(flow).isPresent();
    }

    /**
     * The device a code of this sign-in paired with the account it is at now: a device paired by a code shown to
     * another account earlier in the same sign-in (before the back arrow) is that account's, not this one's.
     */
    private Optional<Device> pairedBy(SignInFlow flow) {
        return pairings.pairedBy(flow.id()).filter(device -> device.accountId().equals(flow.accountId()));
    }
}
