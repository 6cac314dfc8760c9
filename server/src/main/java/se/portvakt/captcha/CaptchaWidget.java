package se.portvakt.captcha;

import java.util.Map;

/**
 * What the fragment {@code captcha :: widget} needs to show the configured CAPTCHA: for the built-in proof of
 * work the URL of a new challenge, for a provider its script, site key and the element its script fills in.
 *
 * @param provider the configured provider
 * @param siteKey the provider's public site key; null for the built-in challenge
 */
public record CaptchaWidget(CaptchaProvider provider, String siteKey) {

    /** Where the built-in widget fetches a new challenge. */
    public static final String CHALLENGE_PATH = "/captcha/challenge";

    public CaptchaWidget {
        if (provider == null) {
            throw new IllegalArgumentException("a CAPTCHA widget needs a provider");
        }
        if (provider != CaptchaProvider.ALTCHA && (siteKey == null || siteKey.isBlank())) {
            throw new IllegalArgumentException("portvakt.captcha.site-key is needed for " + provider);
        }
    }

    /** True for the built-in proof of work, whose control Portvakt draws itself. */
    public boolean proofOfWork() {
        return provider == CaptchaProvider.ALTCHA;
    }

    /** The built-in challenge's URL (relative to the application). */
    public String challengePath() {
        return CHALLENGE_PATH;
    }

    /** The provider's script in the page's language; null for the built-in challenge. */
    public String scriptUrl(String language) {
        String script = provider.scriptUrl();
        if (script == null || provider == CaptchaProvider.TURNSTILE) {
            return script; // Turnstile follows the browser's language by itself.
        }
        return script + "?hl=" + language;
    }

    /** The CSS class of the element that the provider's script turns into its widget. */
    public String widgetClass() {
        return provider.widgetClass();
    }

    /** Sources that the pages with this widget must allow, by CSP directive (empty for the built-in challenge). */
    public Map<String, String> contentSecurityPolicy() {
        return provider.contentSecurityPolicy();
    }
}
