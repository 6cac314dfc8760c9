package se.portvakt.availability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;
import se.portvakt.testing.OnH2;

/**
 * The page a person sees while a node is starting or its database is away, in headless Chromium on a desktop and a
 * phone: it fits, its targets are large enough, and axe finds nothing against WCAG 2.2 AA. (The page is the one
 * {@link Unavailable} makes; here a test page asks for it, since the states that show it are fleeting.)
 */
@OnH2
@Import(UnavailablePageInBrowserTest.UnavailablePage.class)
class UnavailablePageInBrowserTest {

    @RegisterExtension
    static final Browser browser = Browser.perTestClass();

    @Controller
    static class UnavailablePage {

        private final Unavailable unavailable;

        UnavailablePage(Unavailable unavailable) {
            this.unavailable = unavailable;
        }

        @GetMapping("/signin/unavailable-test")
        void page(HttpServletRequest request, HttpServletResponse response) throws IOException {
            unavailable.answer(request, response, Duration.ofSeconds(5));
        }
    }

    @ParameterizedTest
    @EnumSource(Screen.class)
    void theCalmPageFitsAndPassesTheAccessibilityCheck(Screen screen) {
        browser.resize(screen);
        browser.open("/signin/unavailable-test?client_id=x");

        assertThat(browser.text()).contains("Just a moment", "Please try again in a moment", "Try again");
        browser.checkScreen("unavailable", screen);
    }
}
