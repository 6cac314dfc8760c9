package se.portvakt.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;

/**
 * What the browser tests of Portvakt Authenticator ({@code static/authenticator/}) do with the app: open it, wait
 * for its service worker, put an account in its IndexedDB with the app's own code (device.js), and photograph its
 * screens at both sizes under {@code target/screenshots/authenticator/}.
 */
final class AuthenticatorAppScreens {

    static final String PATH = "/authenticator/";
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** Chrome on an Android phone, so that the phone pictures show the Android advice for blocked notifications. */
    private static final String ANDROID_CHROME = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36";

    private final Browser browser;

    AuthenticatorAppScreens(Browser browser) {
        this.browser = browser;
    }

    /** Opens the app at {@code base} (the server's issuer) with notifications blocked, as a person who said no. */
    void open(String base) {
        browser.driver().executeCdpCommand("Browser.setPermission", Map.of(
                "permission", Map.of("name", "notifications"), "setting", "denied", "origin", base));
        browser.open(base + PATH);
        browser.find(By.id("home-title"));
    }

    /** Waits until the service worker has installed and controls the page; answers its script's URL. */
    String waitUntilControlled() {
        return (String) new WebDriverWait(browser.driver(), WAIT).until(d -> browser.driver().executeScript(
                "return navigator.serviceWorker.controller && navigator.serviceWorker.controller.scriptURL"));
    }

    /**
     * Forgets every account, then stores one made by device.js as pairing does (a new non-extractable key), with a
     * device id the server does not know.
     */
    void storeAccount(String email, String issuer) {
        Object stored = browser.driver().executeAsyncScript("""
                const [email, issuer, done] = arguments;
                const device = self.PortvaktDevice;
                device.accounts()
                  .then(all => Promise.all(all.map(a => device.forgetAccount(a.id))))
                  .then(() => device.makeKey())
                  .then(keys => device.saveAccount({ id: device.randomId(), device: 'not-known-here', email, issuer,
                      name: 'Pixel 8 (Chrome)', keys, addedAt: Date.now(), pushEndpoint: null, gone: false }))
                  .then(() => done('stored'), e => done(String(e)));
                """, email, issuer);
        assertThat(stored).isEqualTo("stored");
    }

    /** Forgets every account the app keeps. */
    void forgetAccounts() {
        browser.driver().executeAsyncScript("""
                const done = arguments[0];
                const device = self.PortvaktDevice;
                device.accounts().then(all => Promise.all(all.map(a => device.forgetAccount(a.id)))).then(() => done(null));
                """);
    }

    /** The app's screens at 1280x800 and as an Android phone at 390x844, named {@code authenticator/NAME-LANG}. */
    void photograph(String base, String language) {
        try {
            Files.createDirectories(Path.of("target", "screenshots", "authenticator"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String desktopAgent = userAgent();
        for (Screen screen : Screen.values()) {
            browser.resize(screen);
            browser.driver().executeCdpCommand("Emulation.setUserAgentOverride",
                    Map.of("userAgent", screen == Screen.PHONE ? ANDROID_CHROME : desktopAgent));
            open(base);
            forgetAccounts();
            browser.driver().navigate().refresh();
            browser.find(By.id("home-title"));
            check("home-empty-" + language, screen);

            browser.click(By.id("add"));
            browser.find(By.id("code")).sendKeys("abcd-efgh");
            browser.click(By.cssSelector("#code-form button[type=submit]"));
            browser.find(By.id("code-error"));
            check("add-account-invalid-code-" + language, screen);

            browser.open(base + PATH + "#pair=abcd-efgh-jk23");
            browser.find(By.id("accept"));
            check("accept-permissions-" + language, screen);

            storeAccount("anna@company.com", base);
            browser.open(base + PATH);
            browser.find(By.cssSelector(".account .email"));
            browser.find(By.cssSelector("#blocked-home h2"));
            check("home-account-notifications-blocked-" + language, screen);

            browser.click(By.cssSelector(".account .remove"));
            browser.find(By.cssSelector(".account .confirm"));
            check("remove-account-" + language, screen);
        }
        browser.resize(Screen.DESKTOP);
        browser.driver().executeCdpCommand("Emulation.setUserAgentOverride", Map.of("userAgent", desktopAgent));
        forgetAccounts();
    }

    /** The browser's own user agent, without "Headless" (the app names a device by it). */
    private String userAgent() {
        return ((String) browser.driver().executeScript("return navigator.userAgent"))
                .replace("HeadlessChrome", "Chrome");
    }

    private void check(String name, Screen screen) {
        browser.checkScreen("authenticator/" + name, screen);
    }
}
