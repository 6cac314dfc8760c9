package se.portvakt.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

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
    /** Generous: installing the service worker fetches the whole shell, slow on a busy machine. */
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final By DISMISS = By.cssSelector(".request .aside button.link");
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

    /** The button of this number on a sign-in request. */
    static By numberButton(int number) {
        return By.xpath("//div[@class='numbers']/button[normalize-space()='" + number + "']");
    }

    /**
     * Gives the app's service worker a push message, as a push service would (DevTools' "Push" button). The worker's
     * registration id is not visible to the page, so every low id of this origin gets it; only a registration of the
     * app's origin receives one.
     */
    void deliverPush(String data) {
        String origin = (String) browser.driver().executeScript("return location.origin");
        browser.driver().executeCdpCommand("ServiceWorker.enable", Map.of());
        for (int id = 0; id < 10; id++) {
            browser.driver().executeCdpCommand("ServiceWorker.deliverPushMessage",
                    Map.of("origin", origin, "registrationId", String.valueOf(id), "data", data));
        }
    }

    /** Forgets every account the app keeps, and opens the app again (it reads its accounts when it starts). */
    void forgetAccounts() {
        browser.driver().executeAsyncScript("""
                const done = arguments[0];
                const device = self.PortvaktDevice;
                device.accounts().then(all => Promise.all(all.map(a => device.forgetAccount(a.id)))).then(() => done(null));
                """);
        browser.driver().navigate().refresh();
        browser.find(By.id("home-title"));
    }

    /**
     * The app's screens without an account at 1280x800 and as an Android phone at 390x844, named
     * {@code authenticator/NAME-LANG}.
     */
    void photograph(String base, String language) {
        onEachScreenWithoutAccounts(base, screen -> {
            check("home-empty-" + language, screen);

            browser.click(By.id("add"));
            browser.find(By.id("code")).sendKeys("abcd-efgh");
            browser.click(By.cssSelector("#code-form button[type=submit]"));
            browser.find(By.id("code-error"));
            check("add-account-invalid-code-" + language, screen);

            browser.open(base + PATH + "#pair=abcd-efgh-jk23");
            browser.find(By.id("accept"));
            check("accept-permissions-" + language, screen);
        });
        forgetAccounts();
    }

    /**
     * The screens of pairing and of a paired app at both sizes: "Account added" after the link {@code pairingLink}
     * gives and "Accept"; the account (with notifications blocked) and "Remove"'s question; a request (made by
     * {@code signInAsks}, which answers the number the browser shows), approved with that number; another, denied.
     */
    void photographPaired(String base, String language, Supplier<String> pairingLink, IntSupplier signInAsks) {
        onEachScreenWithoutAccounts(base, screen -> {
            browser.open(pairingLink.get());
            browser.click(By.id("accept"));
            browser.find(By.id("done-title"));
            check("account-added-" + language, screen);
            browser.click(By.cssSelector("#done-screen [data-back]"));
            browser.find(By.cssSelector("#blocked-home h2"));
            check("home-account-notifications-blocked-" + language, screen);
            browser.click(By.cssSelector(".account .remove"));
            browser.find(By.cssSelector(".account .confirm"));
            check("remove-account-" + language, screen);
            browser.click(By.cssSelector(".account .confirm + .choices .secondary"));

            int number = signInAsks.getAsInt();
            browser.find(numberButton(number));
            check("request-" + language, screen);
            browser.click(numberButton(number));
            browser.find(By.cssSelector(".request .outcome.approved"));
            check("request-approved-" + language, screen);
            browser.click(DISMISS);

            signInAsks.getAsInt();
            browser.click(By.cssSelector(".request button.deny"));
            browser.find(By.cssSelector(".request .outcome.denied"));
            check("request-denied-" + language, screen);
            browser.click(DISMISS);
        });
    }

    /** Runs {@code steps} at each screen size, each time with the app just opened at {@code base} without accounts. */
    private void onEachScreenWithoutAccounts(String base, Consumer<Screen> steps) {
        String desktopAgent = userAgent();
        try {
            for (Screen screen : Screen.values()) {
                lookLike(screen, desktopAgent);
                open(base);
                forgetAccounts();
                steps.accept(screen);
            }
        } finally {
            lookLike(Screen.DESKTOP, desktopAgent);
        }
    }

    /** The page as it is now, at both sizes. */
    void photographAsIs(String name) {
        String desktopAgent = userAgent();
        try {
            for (Screen screen : Screen.values()) {
                lookLike(screen, desktopAgent);
                check(name, screen);
            }
        } finally {
            lookLike(Screen.DESKTOP, desktopAgent);
        }
    }

    /** The screen's size, and on the phone Chrome on Android's user agent (the app's advice depends on it). */
    private void lookLike(Screen screen, String desktopAgent) {
        browser.resize(screen);
        browser.driver().executeCdpCommand("Emulation.setUserAgentOverride",
                Map.of("userAgent", screen == Screen.PHONE ? ANDROID_CHROME : desktopAgent));
    }

    /** The browser's own user agent, without "Headless" (the app names a device by it). */
    private String userAgent() {
        return ((String) browser.driver().executeScript("return navigator.userAgent"))
                .replace("HeadlessChrome", "Chrome");
    }

    private void check(String name, Screen screen) {
        try {
            Files.createDirectories(Path.of("target", "screenshots", "authenticator"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        browser.checkScreen("authenticator/" + name, screen);
    }
}
