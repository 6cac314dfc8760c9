package se.portvakt.signin.push;

import java.util.Map;

import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.config.PortvaktProperties;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInStep;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;
import se.portvakt.web.QrCodeSvg;

/**
 * Step 4a, "Get started with 2FA": install Portvakt Authenticator (a QR code that opens the app on the phone, and
 * the store badges that have a link), then "Next" to add the account; or "I use another Authenticator app" for
 * today's codes (step 4b).
 */
@Component
class GetStartedStep implements SignInStep {

    private final MessageSource messages;
    private final String appUrl;
    private final String appStoreUrl;
    private final String googlePlayUrl;

    GetStartedStep(MessageSource messages, PortvaktProperties properties) {
        this.messages = messages;
        this.appUrl = properties.issuer() + "/authenticator/";
        this.appStoreUrl = blankToNull(properties.twoFactor().appStoreUrl());
        this.googlePlayUrl = blankToNull(properties.twoFactor().googlePlayUrl());
    }

    @Override
    public Step step() {
        return Step.GET_STARTED;
    }

    @Override
    public String show(SignInFlow flow, StepContext context, Model model) {
        model.addAttribute("qr", QrCodeSvg.of(appUrl, messages.getMessage("push.start.qr", null, context.locale())));
        model.addAttribute("appUrl", appUrl);
        model.addAttribute("appStoreUrl", appStoreUrl);
        model.addAttribute("googlePlayUrl", googlePlayUrl);
        return "signin/get-started";
    }

    @Override
    public StepResult submit(SignInFlow flow, StepContext context, Map<String, String> form) {
        Step next = "other-app".equals(form.get("action")) ? Step.AUTHENTICATOR_SETUP : Step.AUTHENTICATOR_PAIRING;
        return new StepResult.Advance(flow.atStep(next));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
