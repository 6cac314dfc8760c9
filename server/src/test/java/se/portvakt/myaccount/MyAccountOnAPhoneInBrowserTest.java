package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Cookie;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.AccountStore;
import se.portvakt.factor.push.Pairings;
import se.portvakt.myaccount.MethodsPageTest.Person;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;

/**
 * My account's layout where it went wrong on a phone, in Chromium (saved under
 * {@code target/screenshots/}, checked by axe-core): a time is never broken across lines.
 */
@OnH2
class MyAccountOnAPhoneInBrowserTest {

    @RegisterExtension
    static final Browser browser = Browser.perTestClass();

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

    @Test
    void thePreviousSignInsTimeIsNeverBrokenAcrossLines() {
        signedIn(browser, "phone.time");
        browser.resize(Screen.PHONE);
        browser.open("/account");
        browser.waitForText("Previous sign-in: ");
        browser.checkScreen("account-overview-phone-time", Screen.PHONE);

        // Wherever the line ends: the paragraph narrowed a pixel at a time, the time stays on one line.
        Object broken = browser.driver().executeScript("""
                const p = document.getElementById('previous-signin');
                const broken = [];
                for (let width = 140; width <= 350; width++) {
                  p.style.width = width + 'px';
                  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
                  const text = [];
                  for (let node = walker.nextNode(); node; node = walker.nextNode()) text.push(node);
                  const whole = text.map(node => node.data).join('');
                  const time = /\\d{4}-\\d{2}-\\d{2}\\u00a0\\d{2}:\\d{2}\\u00a0[^,]+/.exec(whole);
                  if (!time) return 'no time in: ' + whole;
                  const at = time.index, length = time[0].length;
                  const range = document.createRange();
                  let offset = 0;
                  for (const node of text) {
                    const end = offset + node.data.length;
                    if (at >= offset && at < end) range.setStart(node, at - offset);
                    if (at + length > offset && at + length <= end) range.setEnd(node, at + length - offset);
                    offset = end;
                  }
                  const tops = [...range.getClientRects()].map(rect => rect.top);
                  if (Math.max(...tops) - Math.min(...tops) > 12) broken.push(width);
                }
                p.style.width = '';
                return broken.join(',');
                """);
        assertThat(broken).as("widths at which the time breaks").isEqualTo("");
    }

    /** A person with every method, signed in over HTTP; the browser takes the session. */
    private void signedIn(Browser browser, String who) {
        Person person = MethodsPageTest.person(issuer, accounts, hasher, jdbc, pairings, who, OidcClient.web());
        browser.resize(Screen.DESKTOP);
        browser.open("/signin");
        browser.clearCookies();
        browser.driver().manage().addCookie(new Cookie("PORTVAKT_SESSION", person.browser().cookie("PORTVAKT_SESSION")));
        browser.open("/account");
        browser.waitForPath("/account");
    }
}
