package se.portvakt.signin.password;

import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.account.EmailAddress;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInStep;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;

/**
 * Journey step 1, "Email first": the email address, and "Save my email address for next time".
 *
 * <p>The account is not looked up here: every well-formed address moves on to the password step, so this
 * step tells nobody whether an account exists.
 */
@Component
class IdentifyStep implements SignInStep {

    private final RememberedEmailCookie rememberedEmail;

    IdentifyStep(RememberedEmailCookie rememberedEmail) {
        this.rememberedEmail = rememberedEmail;
    }

    @Override
    public Step step() {
        return Step.IDENTIFY;
    }

    @Override
    public String show(SignInFlow flow, StepContext context, Model model) {
        // "Use another account" (?another): an empty field, also when the back arrow brought the person here
        // with an address already in the flow; the remembered address is replaced on Next.
        boolean another = context.request().getParameter("another") != null;
        Optional<EmailAddress> remembered = another ? Optional.empty() : rememberedEmail.read(context.request());
        if (!model.containsAttribute("email")) {
            model.addAttribute("email", another ? ""
                    : flow.email() != null ? flow.email().value() : remembered.map(EmailAddress::value).orElse(""));
        }
        if (!model.containsAttribute("remember")) {
            model.addAttribute("remember", remembered.isPresent());
        }
        model.addAttribute("remembered", remembered.isPresent());
        return "signin/identify";
    }

    /** No slow work: the flow's read and update are one transaction. */
    @Override
    public boolean inOneTransaction() {
        return true;
    }

    @Override
    public StepResult submit(SignInFlow flow, StepContext context, Map<String, String> form) {
        Optional<EmailAddress> email = EmailAddress.parse(form.get("email"));
        if (email.isEmpty()) {
            return new StepResult.Rejected(flow, "signin.email.invalid");
        }
        if ("on".equals(form.get("remember")) || "true".equals(form.get("remember"))) {
            rememberedEmail.remember(context.response(), email.get());
        } else {
            rememberedEmail.forget(context.response());
        }
        return new StepResult.Advance(flow.identified(email.get()));
    }
}
