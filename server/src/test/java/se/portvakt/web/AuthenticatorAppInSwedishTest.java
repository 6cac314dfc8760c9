package se.portvakt.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.factor.push.Pairings;
import se.portvakt.factor.push.PushRequests;
import se.portvakt.factor.push.PushStart;
import se.portvakt.testing.Browser;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestPeople;

/** Portvakt Authenticator in a browser that asks for Swedish: its words, its language tag and every screen. */
@OnH2
class AuthenticatorAppInSwedishTest {

    @RegisterExtension
    static final Browser browser = Browser.perTestClass("sv");

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    Pairings pairings;

    @Autowired
    PushRequests requests;

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

    @Test
    void everyScreenOfAPairedAppInSwedish() {
        Account person = TestPeople.account(accounts, "autentiserare", null);
        app.photographPaired(issuer, "sv", () -> pairings.issue(person.id(), UUID.randomUUID().toString()).link(issuer),
                () -> ((PushStart.Sent) requests.start(person.id(), UUID.randomUUID().toString(), "Flex HRM",
                        "192.0.2.45")).request().number());
    }
}
