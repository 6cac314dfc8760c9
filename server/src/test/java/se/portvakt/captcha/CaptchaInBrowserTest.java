package se.portvakt.captcha;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.testing.Browser.checkbox;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import jakarta.servlet.http.HttpServletRequest;
import se.portvakt.testing.Browser;
import se.portvakt.testing.OnH2;

/**
 * The "I'm not a robot" box in a real headless Chromium, under the pages' content security policy: ticking it
 * solves a challenge from the server with the page's own script, and the server accepts the solution once.
 */
@OnH2
@Import(CaptchaInBrowserTest.FormPage.class)
class CaptchaInBrowserTest {

    private static final By WIDGET = By.cssSelector(".captcha");
    private static final By RESULT = By.cssSelector(".result");

    @RegisterExtension
    static final Browser browser = Browser.perTestClass();

    /** A form holding the widget, as the recovery page does, that says what the verifier decided. */
    @Controller
    static class FormPage {

        private final CaptchaVerifier captcha;

        FormPage(CaptchaVerifier captcha) {
            this.captcha = captcha;
        }

        @GetMapping("/signin/captcha-test")
        String form() {
            return "captcha/test-form";
        }

        @PostMapping("/signin/captcha-test")
        String submit(@RequestParam(name = CaptchaVerifier.FORM_FIELD, defaultValue = "") String token,
                @RequestParam(defaultValue = "") String button, HttpServletRequest request, Model model) {
            CaptchaResult result = captcha.verify(token, request.getRemoteAddr());
            model.addAttribute("result", button + ": " + result);
            return "captcha/test-form";
        }
    }

    @Test
    void tickingTheBoxSolvesTheChallengeAndTheServerAcceptsIt() {
        browser.open("/signin/captcha-test");
        assertThat(browser.text()).contains("I'm not a robot");
        assertThat(browser.find(WIDGET).getAttribute("data-state")).isEqualTo("idle");

        long started = System.nanoTime();
        browser.click(checkbox("I'm not a robot"));
        waitForState("verified");
        Duration solving = Duration.ofNanos(System.nanoTime() - started);
        System.out.println("CaptchaInBrowserTest: the browser solved a challenge in " + solving.toMillis() + " ms");

        assertThat(browser.find(By.cssSelector(".captcha-status")).getText()).isEqualTo("Verified");
        assertThat(browser.find(checkbox("I'm not a robot")).isSelected()).isTrue();
        assertThat(browser.driver().findElement(By.name("captcha")).getDomProperty("value")).isNotBlank();
        browser.click(button("Reset password"));
        assertThat(browser.find(RESULT).getText()).isEqualTo("reset: Passed[]");
    }

    @Test
    void pressingAButtonFirstSolvesTheChallengeThenSendsThatButton() {
        browser.open("/signin/captcha-test");

        browser.click(button("One-time sign in link"));

        assertThat(browser.find(RESULT).getText()).isEqualTo("link: Passed[]");
    }

    @Test
    void theSameSolutionSentAgainIsRefused() {
        browser.open("/signin/captcha-test");
        browser.click(checkbox("I'm not a robot"));
        waitForState("verified");
        String solution = browser.driver().findElement(By.name("captcha")).getDomProperty("value");
        browser.click(button("Reset password"));
        assertThat(browser.find(RESULT).getText()).isEqualTo("reset: Passed[]");

        // A copy of the solved form, sent again (as a robot would).
        browser.driver().executeScript("var f = document.querySelector('input[name=captcha]'); f.value = arguments[0];"
                + "f.form.submit();", solution);

        new WebDriverWait(browser.driver(), Duration.ofSeconds(10))
                .until(d -> browser.find(RESULT).getText().contains("replayed"));
    }

    private static void waitForState(String state) {
        new WebDriverWait(browser.driver(), Duration.ofSeconds(20))
                .until(d -> state.equals(d.findElement(WIDGET).getAttribute("data-state")));
    }
}
