package se.portvakt.signin.secondfactor;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.factor.FactorKind;
import se.portvakt.factor.FactorStore;
import se.portvakt.factor.sms.PhoneNumbers;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInStep;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;
import se.portvakt.signin.twofactor.TwoFactorRoute;

/** Step 5, "Use another method": every second factor the person has, to pick one. */
@Component
class OtherMethodStep implements SignInStep {

    /** One choice on the page: the factor, and for SMS the masked number the code would go to. */
    record Choice(FactorKind kind, String phone) {}

    private final FactorStore factors;
    private final TwoFactorRoute route;

    OtherMethodStep(FactorStore factors, TwoFactorRoute route) {
        this.factors = factors;
        this.route = route;
    }

    @Override
    public Step step() {
        return Step.OTHER_METHOD;
    }

    /**
     * The choice in one transaction; an SMS code's text or a push request goes outside it ({@link
     * TwoFactorRoute#enter}) (decision 0055).
     */
    @Override
    public boolean inOneTransaction() {
        return true;
    }

    @Override
    public String show(SignInFlow flow, StepContext context, Model model) {
        String phone = factors.phone(flow.accountId()).map(PhoneNumbers::masked).orElse(null);
        List<Choice> choices = factors.enrolled(flow.accountId()).stream()
                .map(kind -> new Choice(kind, kind == FactorKind.SMS ? phone : null))
                .toList();
        model.addAttribute("choices", choices);
        model.addAttribute("email", flow.email().value());
        return "signin/other-method";
    }

    @Override
    public StepResult submit(SignInFlow flow, StepContext context, Map<String, String> form) {
        Set<FactorKind> enrolled = factors.enrolled(flow.accountId());
        return enrolled.stream()
                .filter(kind -> kind.name().equals(form.get("method")))
                .findFirst()
                .<StepResult>map(kind -> new StepResult.Advance(route.enter(flow, kind, context)))
                .orElseGet(() -> new StepResult.Rejected(flow, "twofactor.other.choose"));
    }
}
