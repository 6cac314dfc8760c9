package se.portvakt.captcha;

import java.net.URI;
import java.util.Map;

/**
 * The CAPTCHA services Portvakt can use ({@code portvakt.captcha.provider}): its own proof-of-work challenge, or
 * a third party's widget with that party's siteverify API. The content security policy sources are what the
 * provider's documentation asks for; they are added to the sign-in pages only when that provider is chosen.
 */
public enum CaptchaProvider {

    /** The built-in ALTCHA-compatible proof of work: no third party, works offline. */
    ALTCHA(null, null, null, Map.of()),

    /** Google reCAPTCHA v2, the checkbox. */
    RECAPTCHA("https://www.google.com/recaptcha/api/siteverify", "https://www.google.com/recaptcha/api.js", "g-recaptcha",
            Map.of("script-src", "https://www.google.com/recaptcha/ https://www.gstatic.com/recaptcha/",
                    "frame-src", "https://www.google.com/recaptcha/ https://recaptcha.google.com/recaptcha/")),

    /** hCaptcha. */
    HCAPTCHA("https://api.hcaptcha.com/siteverify", "https://js.hcaptcha.com/1/api.js", "h-captcha",
            Map.of("script-src", "https://hcaptcha.com https://*.hcaptcha.com",
                    "frame-src", "https://hcaptcha.com https://*.hcaptcha.com",
                    "style-src", "https://hcaptcha.com https://*.hcaptcha.com",
                    "connect-src", "https://hcaptcha.com https://*.hcaptcha.com")),

    /** Cloudflare Turnstile. */
    TURNSTILE("https://challenges.cloudflare.com/turnstile/v0/siteverify",
            "https://challenges.cloudflare.com/turnstile/v0/api.js", "cf-turnstile",
            Map.of("script-src", "https://challenges.cloudflare.com", "frame-src", "https://challenges.cloudflare.com"));

    private final URI siteverifyUrl;
    private final String scriptUrl;
    private final String widgetClass;
    private final Map<String, String> contentSecurityPolicy;

    CaptchaProvider(String siteverifyUrl, String scriptUrl, String widgetClass, Map<String, String> contentSecurityPolicy) {
        this.siteverifyUrl = siteverifyUrl == null ? null : URI.create(siteverifyUrl);
        this.scriptUrl = scriptUrl;
        this.widgetClass = widgetClass;
        this.contentSecurityPolicy = contentSecurityPolicy;
    }

    /** The provider's official siteverify endpoint; null for the built-in challenge. */
    URI siteverifyUrl() {
        return siteverifyUrl;
    }

    /** The provider's widget script; null for the built-in challenge, which is served by Portvakt. */
    String scriptUrl() {
        return scriptUrl;
    }

    /** The CSS class by which the provider's script finds its widget element. */
    String widgetClass() {
        return widgetClass;
    }

    /** Sources to add to the pages' content security policy, by directive. */
    Map<String, String> contentSecurityPolicy() {
        return contentSecurityPolicy;
    }
}
