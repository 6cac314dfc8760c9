package se.portvakt.signin.push;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.factor.FactorKind;
import se.portvakt.factor.push.PushRequest;
import se.portvakt.factor.push.PushRequests;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInStep;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;
import se.portvakt.signin.flow.WaitingStep;
import se.portvakt.signin.twofactor.SecondFactorAttempts;
import se.portvakt.signin.twofactor.TwoFactorRoute;

/**
 * Step 5 with push, "Check your phone": the two-digit number to tap in Portvakt Authenticator while the request
 * waits, and what became of it. The request was sent on the way here ({@link TwoFactorRoute#enter}); the page moves
 * on by itself when the phone has decided. An approval is spent once by this sign-in; a denial, an expired
 * request or a pause says so and offers "Send again" and "Use another method".
 */
@Component
class CheckYourPhoneStep implements SignInStep, WaitingStep {

    /** What the page shows: a request to answer, or why there is none. */
    enum Shown { PENDING, DENIED, EXPIRED, PAUSED, NONE }

    private final PushRequests requests;
    private final SecondFactorAttempts attempts;
    private final TwoFactorRoute route;

    CheckYourPhoneStep(PushRequests requests, SecondFactorAttempts attempts, TwoFactorRoute route) {
        this.requests = requests;
        this.attempts = attempts;
        this.route = route;
    }

    @Override
    public Step step() {
        return Step.CHECK_YOUR_PHONE;
    }

    @Override
    public String show(SignInFlow flow, StepContext context, Model model) {
        Instant now = Instant.now();
        Optional<PushRequest> latest = latest(flow);
        Optional<Instant> pausedUntil = requests.pausedUntil(flow.accountId()).filter(now::isBefore);
        Shown shown = latest.map(CheckYourPhoneStep::shown).orElse(Shown.NONE);
        if (shown != Shown.PENDING && pausedUntil.isPresent()) {
            shown = Shown.PAUSED;
            model.addAttribute("pausedMinutes", Math.max(1, (Duration.between(now, pausedUntil.get()).toSeconds() + 59) / 60));
        }
        if (shown == Shown.PENDING) {
            model.addAttribute("number", latest.get().number());
            model.addAttribute("ttlSeconds", Math.max(0, Duration.between(now, latest.get().expiresAt()).toSeconds()));
        }
        model.addAttribute("state", shown.name());
        model.addAttribute("email", flow.email().value());
        return "signin/check-your-phone";
    }

    @Override
    public StepResult submit(SignInFlow flow, StepContext context, Map<String, String> form) {
        switch (form.getOrDefault("action", "")) {
            case "other" -> {
                requests.cancel(flow.id());
                return new StepResult.Advance(flow.atStep(Step.OTHER_METHOD));
            }
            case "resend" -> {
                return new StepResult.Advance(route.enter(flow, FactorKind.PUSH, context));
            }
            default -> {
                Optional<PushRequest> latest = latest(flow);
                if (latest.isPresent() && latest.get().state() == PushRequest.State.APPROVED
                        && requests.spend(latest.get().id(), flow.id())) {
                    return new StepResult.Advance(
                            flow.passed(attempts.passed(flow, context, FactorKind.PUSH), route.afterSecondFactor(flow)));
                }
                if (latest.isPresent() && shown(latest.get()) == Shown.PENDING) {
                    return new StepResult.Rejected(flow, "push.check.not-yet");
                }
                return new StepResult.Advance(flow); // denied, expired or spent: the page says so
            }
        }
    }

    @Override
    public boolean ready(SignInFlow flow) {
        return latest(flow).map(request -> request.state() != PushRequest.State.PENDING).orElse(true);
    }

    /**
     * The newest request of this sign-in for the account it is at now: after the back arrow and another email
     * address, a request the first account's phone approves is no factor of the second (factors belong to one
     * account).
     */
    private Optional<PushRequest> latest(SignInFlow flow) {
        return requests.latest(flow.id()).filter(request -> request.accountId().equals(flow.accountId()));
    }

    /** An approval not yet spent shows as waiting: its form (sent by the page's script) spends it. */
    private static Shown shown(PushRequest request) {
        return switch (request.state()) {
            case PENDING, APPROVED -> Shown.PENDING;
            case DENIED -> Shown.DENIED;
            case EXPIRED -> Shown.EXPIRED;
        };
    }
}
