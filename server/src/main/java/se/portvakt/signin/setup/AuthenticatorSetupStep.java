package se.portvakt.signin.setup;

import java.util.Map;

import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.factor.totp.OtpauthUri;
import se.portvakt.factor.totp.TotpFactor;
import se.portvakt.factor.totp.TotpSecret;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInStep;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;
import se.portvakt.web.QrCodeSvg;

/**
 * Step 4b, "I use another authenticator app": a QR code of the {@code otpauth://} URI to scan, and the same key
 * in groups of four to type by hand. A reload shows the same key; "Next" asks for the app's first code.
 */
@Component
class AuthenticatorSetupStep implements SignInStep {

    private final TotpFactor totp;
    private final MessageSource messages;

    AuthenticatorSetupStep(TotpFactor totp, MessageSource messages) {
        this.totp = totp;
        this.messages = messages;
    }

    @Override
    public Step step() {
        return Step.AUTHENTICATOR_SETUP;
    }

    /** The key's read (or a new one stored) and the flow's update in one transaction (decision 0055). */
    @Override
    public boolean inOneTransaction() {
        return true;
    }

    @Override
    public String show(SignInFlow flow, StepContext context, Model model) {
        TotpSecret key = totp.setupKey(flow.accountId());
        String issuer = messages.getMessage("app.name", null, context.locale());
        String qrLabel = messages.getMessage("twofactor.setup.qr", null, context.locale());
        model.addAttribute("qr", QrCodeSvg.of(OtpauthUri.of(issuer, flow.email().value(), key), qrLabel));
        model.addAttribute("key", key.grouped());
        return "signin/authenticator-setup";
    }

    @Override
    public StepResult submit(SignInFlow flow, StepContext context, Map<String, String> form) {
        return new StepResult.Advance(flow.atStep(Step.AUTHENTICATOR_SETUP_CODE));
    }
}
