package se.portvakt.captcha;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import se.portvakt.config.SecurityHeaders;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OnH2;

/**
 * With a third-party CAPTCHA configured (here Turnstile), the form shows that provider's widget, the pages allow
 * its origin and no other, and the built-in challenge endpoint is gone.
 */
@OnH2
@Import(CaptchaInBrowserTest.FormPage.class)
@TestPropertySource(properties = {"portvakt.captcha.provider=turnstile", "portvakt.captcha.site-key=1x00000000000000000000AA",
        "portvakt.captcha.secret=1x0000000000000000000000000000000AA",
        "portvakt.captcha.verify-url=http://127.0.0.1:9/turnstile/v0/siteverify", "portvakt.captcha.timeout=2s"})
class ProviderWidgetTest {

    @Value("${portvakt.issuer}")
    String issuer;

    @Test
    void theFormShowsTheProvidersWidgetThatFillsTheCaptchaField() {
        String page = new HttpAgent(issuer).get("/signin/captcha-test").body();

        assertThat(page).containsPattern("<div class=\"cf-turnstile\"[^>]* data-sitekey=\"1x00000000000000000000AA\"")
                .contains("data-callback=\"portvaktCaptchaSolved\"")
                .contains("<script src=\"https://challenges.cloudflare.com/turnstile/v0/api.js\" async defer></script>")
                .contains("<input type=\"hidden\" name=\"captcha\"")
                .contains("src=\"/js/captcha.js\"")
                .doesNotContain("data-challenge")
                .doesNotContain("I'm not a robot");
    }

    @Test
    void thePagesAllowTheProvidersOriginForScriptsAndFrames() {
        HttpResponse<String> signIn = new HttpAgent(issuer).get("/signin");

        assertThat(signIn.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("script-src 'self' https://challenges.cloudflare.com")
                .contains("frame-src https://challenges.cloudflare.com")
                .contains("default-src 'none'").contains("frame-ancestors 'none'")
                .doesNotContain("google").doesNotContain("hcaptcha"));
    }

    @Test
    void withoutExtraSourcesThePolicyIsTheStrictOne() {
        assertThat(SecurityHeaders.contentSecurityPolicy(Map.of())).isEqualTo(SecurityHeaders.CONTENT_SECURITY_POLICY);
    }

    @Test
    void theBuiltInChallengeIsNotServed() {
        assertThat(new HttpAgent(issuer).get("/captcha/challenge").statusCode()).isEqualTo(404);
    }

    @Test
    void aProviderThatCannotBeReachedRefusesTheForm() {
        HttpAgent browser = new HttpAgent(issuer);
        browser.get("/signin/captcha-test");

        String page = browser.post("/signin/captcha-test", Map.of("captcha", "a token from the widget", "button", "reset")).body();

        assertThat(page).contains("reset: Unavailable[reason=");
    }
}
