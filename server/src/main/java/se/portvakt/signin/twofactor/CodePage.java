package se.portvakt.signin.twofactor;

import org.springframework.ui.Model;

import se.portvakt.signin.flow.SignInFlow;

/**
 * The page every code is typed on (signin/code.html): authenticator and SMS codes at sign-in and at set-up,
 * and the emergency code. Texts are message keys.
 *
 * @param introArgument fills {0} of the intro, e.g. the masked phone number
 * @param numeric a 6-digit code (numeric keyboard, one-time-code autofill) rather than the emergency code
 * @param resend offer "Send a new code" (SMS)
 * @param otherMethod offer "Use another method" (sign-in, not set-up)
 * @param backKey a secondary button that submits {@code action=back}, or null
 */
public record CodePage(String titleKey, String introKey, String introArgument, String labelKey, boolean numeric,
        boolean resend, boolean otherMethod, String backKey) {

    public String render(SignInFlow flow, Model model) {
        model.addAttribute("page", this);
        model.addAttribute("email", flow.email().value());
        model.addAttribute("action", flow.step().url());
        return "signin/code";
    }
}
