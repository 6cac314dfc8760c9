package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.link;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.AccountStore;
import se.portvakt.factor.push.Pairings;
import se.portvakt.myaccount.AddSmsNumberTest.AppPerson;
import se.portvakt.myaccount.MethodsPageTest.Person;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TwoFactorPerson;

/**
 * A person adds an SMS number from My account in Chromium (in English, beside their app) and changes it (in Swedish):
 * the number's page, a number that is not a mobile one, the code's page, a wrong code, then the right one and the
 * confirmation, on a desktop and a phone (saved under {@code target/screenshots/}, checked by axe-core). The sign-in is
 * done over HTTP; the code is read from the development outbox, as the phone would show it.
 */
@OnH2
class AddSmsNumberInBrowserTest {

    @RegisterExtension
    static final Browser browser = Browser.perTestClass();

    @RegisterExtension
    static final Browser swedish = Browser.perTestClass("sv");

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Pairings pairings;

    /** The words of one language on the way. */
    private record Words(String section, String start, String invalid, String wrong, String done, String suffix) {}

    @Test
    void aPersonWithAnAppAddsANumberInEnglish() {
        AppPerson person = AddSmsNumberTest.appOnly(issuer, accounts, hasher, jdbc, "addsms.browser");
        walk(browser, person.browser(), new Words("Two-factor authentication", "Add an SMS number",
                "Enter a mobile number, for example 070 123 45 67", "That code is not right",
                "The SMS number was added", ""));
    }

    @Test
    void numretBytsPåSvenska() {
        Person person = MethodsPageTest.person(issuer, accounts, hasher, jdbc, pairings, "addsms.webblasare",
                OidcClient.web());
        AddSmsNumberTest.asIfThePauseHadPassed(jdbc, person.account());
        walk(swedish, person.browser(), new Words("Tvåfaktorsautentisering", "Byt sms-nummer",
                "Ange ett mobilnummer, till exempel 070 123 45 67", "Koden stämmer inte",
                "Det nya sms-numret ersätter det gamla", "-sv"));
    }

    private void walk(Browser browser, HttpAgent signedIn, Words words) {
        browser.resize(Screen.DESKTOP);
        browser.open("/signin");
        browser.clearCookies();
        browser.driver().manage().addCookie(new Cookie("PORTVAKT_SESSION", signedIn.cookie("PORTVAKT_SESSION")));
        browser.open("/account");
        browser.waitForPath("/account");
        browser.click(link(words.section()));
        browser.waitForPath("/account/methods");
        MethodsInBrowserTest.look(browser, "account-sms-methods" + words.suffix());
        browser.click(link(words.start()));
        browser.waitForPath("/account/methods/sms");
        MethodsInBrowserTest.look(browser, "account-sms-number" + words.suffix());

        browser.type(By.id("phone"), "08 123 456 78"); // a landline: no texts
        browser.find(By.id("phone")).submit();
        browser.waitForText(words.invalid());
        MethodsInBrowserTest.look(browser, "account-sms-number-invalid" + words.suffix());

        String mobile = TwoFactorPerson.uniqueMobile();
        browser.find(By.id("phone")).clear();
        browser.type(By.id("phone"), mobile);
        browser.find(By.id("phone")).submit();
        browser.waitForPath("/account/methods/sms-code");
        MethodsInBrowserTest.look(browser, "account-sms-code" + words.suffix());

        String code = new TwoFactorPerson(jdbc).smsCodeTo(TwoFactorPerson.e164(mobile));
        browser.type(By.id("code"), code.equals("000000") ? "111111" : "000000");
        browser.find(By.id("code")).submit();
        browser.waitForText(words.wrong());
        MethodsInBrowserTest.look(browser, "account-sms-code-wrong" + words.suffix());

        browser.find(By.id("code")).clear();
        browser.type(By.id("code"), code);
        browser.find(By.id("code")).submit();
        browser.waitForText(words.done());
        assertThat(browser.text()).contains(words.done());
        MethodsInBrowserTest.look(browser, "account-sms-done" + words.suffix());
    }
}
