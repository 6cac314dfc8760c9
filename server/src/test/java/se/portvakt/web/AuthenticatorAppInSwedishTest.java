package se.portvakt.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Value;

import se.portvakt.testing.Browser;
import se.portvakt.testing.OnH2;

/** Portvakt Authenticator in a browser that asks for Swedish: its words, its language tag and every screen. */
@OnH2
class AuthenticatorAppInSwedishTest {

    @RegisterExtension
    static final Browser browser = Browser.perTestClass("sv");

    @Value("${portvakt.issuer}")
    String issuer;

    private final AuthenticatorAppScreens app = new AuthenticatorAppScreens(browser);

    @Test
    void speaksSwedish() {
        app.open(issuer);
        assertThat(browser.find(By.tagName("html")).getDomAttribute("lang")).isEqualTo("sv");
        assertThat(browser.text()).contains("Dina konton", "Lägg till konto");
        browser.click(By.id("add"));
        assertThat(browser.find(By.cssSelector("label[for=code]")).getText()).isEqualTo("Parkopplingskod");
    }

    @Test
    void everyScreenInSwedish() {
        app.photograph(issuer, "sv");
    }
}
