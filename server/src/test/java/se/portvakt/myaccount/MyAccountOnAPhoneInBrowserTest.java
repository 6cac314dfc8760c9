package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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
 * My account's layout where it went wrong on a phone, in Chromium, in English and in Swedish (saved under
 * {@code target/screenshots/}, checked by axe-core): a time is never broken across lines, buttons one under another
 * have a gap between them, and the navigation's links wrap as whole rows, each link's words on one line; and times
 * are shown in the browser's time zone (decision 0040), in UTC without JavaScript.
 */
@OnH2
class MyAccountOnAPhoneInBrowserTest {

    /** A time as the page's markup holds it: its datetime and its text. */
    private static final Pattern TIME = Pattern.compile("<time class=\"time\" datetime=\"([^\"]+)\">([^<]+)</time>");

    /** The least gap between two buttons one under another, in CSS pixels. */
    private static final int GAP = 8;

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

    @Test
    void buttonsOneUnderAnotherHaveAGapAndTheNavigationWrapsInWholeRows() {
        look(browser, "phone.layout", "");
    }

    @Test
    void knapparnaHarMellanrumOchNavigeringenBrytsIHelaRader() {
        look(swedish, "telefon.layout", "-sv");
    }

    @Test
    void timesAreShownInTheBrowsersTimeZoneAndInUtcWithoutJavaScript() {
        timesInTheBrowsersZone(browser, "phone.zone", "", "Previous sign-in: ");
    }

    @Test
    void tiderVisasIWebbläsarensTidszon() {
        timesInTheBrowsersZone(swedish, "telefon.zon", "-sv", "Föregående inloggning: ");
    }

    /** Decision 0040: each page's times rewritten in the browser's zone (Tokyo: +9, no summer time), UTC kept. */
    private void timesInTheBrowsersZone(Browser browser, String who, String suffix, String previous) {
        signedIn(browser, who);
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        DateTimeFormatter local = DateTimeFormatter.ofPattern("yyyy-MM-dd'\u00a0'HH:mm").withZone(tokyo);
        browser.driver().executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", tokyo.getId()));
        try {
            for (String page : List.of("/account", "/account/sessions", "/account/activity", "/account/methods")) {
                browser.open(page);
                browser.waitForPath(page);
                List<Map<String, String>> times = times(browser);
                assertThat(times).as(page).isNotEmpty();
                for (Map<String, String> time : times) {
                    Instant at = Instant.parse(time.get("datetime"));
                    assertThat(time.get("text")).as(page).startsWith(local.format(at)).doesNotContain("UTC");
                    assertThat(time.get("title")).as(page).isEqualTo(OverviewController.TIME.format(at));
                }
            }
            browser.resize(Screen.PHONE);
            browser.open("/account");
            browser.waitForText(previous);
            browser.checkScreen("account-overview-local-time" + suffix, Screen.PHONE);
            browser.resize(Screen.DESKTOP);
            browser.open("/account/methods");
            browser.checkScreen("account-methods-local-time" + suffix, Screen.DESKTOP);

            // Without JavaScript the server's UTC text stays.
            browser.driver().executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", true));
            try {
                for (String page : List.of("/account", "/account/methods")) {
                    browser.open(page);
                    browser.waitForPath(page);
                    List<MatchResult> times = TIME.matcher(browser.driver().getPageSource()).results().toList();
                    assertThat(times).as(page).isNotEmpty();
                    for (MatchResult time : times) {
                        assertThat(time.group(2).replace("&nbsp;", "\u00a0")).as(page)
                                .isEqualTo(OverviewController.TIME.format(Instant.parse(time.group(1))));
                    }
                }
            } finally {
                browser.driver().executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", false));
            }
        } finally {
            browser.driver().executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", ""));
        }
    }

    /** The page's times as they are shown: each {@code <time>}'s datetime, text and title. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, String>> times(Browser browser) {
        return (List<Map<String, String>>) browser.driver().executeScript("""
                return [...document.querySelectorAll('time')].map(t => ({datetime: t.getAttribute('datetime'),
                    text: t.textContent, title: t.title}));
                """);
    }

    private void look(Browser browser, String who, String suffix) {
        signedIn(browser, who);
        for (Screen screen : Screen.values()) {
            browser.resize(screen);
            browser.open("/account/methods");
            browser.waitForPath("/account/methods");
            browser.checkScreen("account-methods-layout" + suffix, screen);
            assertThat(tightButtons(browser)).as("methods page on a %s", screen).isEmpty();
            assertThat(untidyNavigation(browser)).as("navigation on a %s", screen).isEmpty();

            browser.open("/account/methods/authenticator");
            browser.waitForPath("/account/methods/authenticator");
            browser.checkScreen("account-authenticator-layout" + suffix, screen);
            assertThat(tightButtons(browser)).as("app set-up on a %s", screen).isEmpty();
        }
        browser.resize(Screen.DESKTOP);
    }

    /** A person with every method, signed in over HTTP; the browser takes the session. */
    private void signedIn(Browser browser, String who) {
        Person person = MethodsPageTest.person(issuer, accounts, hasher, jdbc, pairings, who, OidcClient.web());
        MethodsInBrowserTest.atMyAccount(browser, person);
    }

    /** Buttons (or links drawn as buttons) one under another in the page's column with less than GAP between them. */
    @SuppressWarnings("unchecked")
    private static List<String> tightButtons(Browser browser) {
        return (List<String>) browser.driver().executeScript("""
                const buttons = 'main > .button, main > form > button, main > form > .button';
                const shown = [...document.querySelectorAll(buttons)]
                  .filter(e => e.offsetParent !== null)
                  .map(e => ({name: e.textContent.trim(), rect: e.getBoundingClientRect()}))
                  .sort((a, b) => a.rect.top - b.rect.top);
                const tight = [];
                for (let i = 1; i < shown.length; i++) {
                  const gap = shown[i].rect.top - shown[i - 1].rect.bottom;
                  if (gap < arguments[0]) tight.push(shown[i - 1].name + ' / ' + shown[i].name + ': ' + gap);
                }
                return tight;
                """, GAP);
    }

    /**
     * What is untidy in the navigation: a link whose words are broken over lines, or a row of links that stops short
     * of the row's end (a long link alone on a line beside a gap).
     */
    @SuppressWarnings("unchecked")
    private static List<String> untidyNavigation(Browser browser) {
        return (List<String>) browser.driver().executeScript("""
                const list = document.querySelector('nav.sections ul').getBoundingClientRect();
                const links = [...document.querySelectorAll('nav.sections a')];
                const untidy = links.filter(a => {
                  const range = document.createRange();
                  range.selectNodeContents(a);
                  const tops = [...range.getClientRects()].map(rect => rect.top);
                  return Math.max(...tops) - Math.min(...tops) > 12;
                }).map(a => 'broken: ' + a.textContent.trim());
                const rows = new Map();
                for (const a of links) {
                  const rect = a.getBoundingClientRect();
                  const top = Math.round(rect.top);
                  if (!rows.has(top) || rows.get(top).right < rect.right) rows.set(top, {name: a.textContent.trim(),
                      right: rect.right});
                }
                for (const row of rows.values()) {
                  if (list.right - row.right > 2) untidy.push('row ends short after ' + row.name);
                }
                return untidy;
                """);
    }
}
