package se.portvakt.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * A real headless Chromium for browser tests: Debian's {@code chromium} and {@code chromedriver}, never a
 * downloaded one (Selenium Manager does not run because both paths are given), a fresh profile per browser,
 * and the Chrome DevTools network events kept so a test can count what a page cost.
 *
 * <p>The paths can be changed with the system properties {@code portvakt.chromium} and
 * {@code portvakt.chromedriver} (or the environment variables {@code PORTVAKT_CHROMIUM} and
 * {@code PORTVAKT_CHROMEDRIVER}). Where no browser can be started the test is skipped with a reason, except
 * on CI ({@code CI=true}), where it fails: a browser test that silently never runs protects nothing.
 */
public final class Browser implements AutoCloseable, BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    /** A screen size to look at a page with. */
    public enum Screen {
        DESKTOP(1280, 800, false),
        PHONE(390, 844, true);

        final int width;
        final int height;
        final boolean mobile;

        Screen(int width, int height, boolean mobile) {
            this.width = width;
            this.height = height;
            this.mobile = mobile;
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Path SCREENSHOTS = Paths.get("target", "screenshots");

    private final String language;
    private final Duration wait;
    private final Set<String> accessibilityChecked = new HashSet<>();
    private ChromeDriver driver;
    private ChromeDriverService service;
    private Path profile;
    private String base;

    private Browser(String language, Duration wait) {
        this.language = language;
        this.wait = wait;
    }

    /**
     * One browser for a test class, registered with {@code @RegisterExtension static final Browser browser = ...}:
     * started before the class's first test against the server the Spring test context started (its
     * {@code portvakt.issuer}), with an empty profile asking for English pages; its cookies are cleared before
     * each test, as for a new visitor; it is closed after the last test.
     */
    public static Browser perTestClass() {
        return perTestClass("en");
    }

    /** The same, with the browser's Accept-Language set to {@code language}. */
    public static Browser perTestClass(String language) {
        return new Browser(language, WAIT);
    }

    /**
     * A browser started now for a server the test started itself ({@link TestServer}), asking for English pages;
     * paths given to {@link #open} are on {@code base}. The test closes it.
     */
    public static Browser startedFor(String base) {
        return startedFor(base, WAIT);
    }

    /**
     * The same, waiting up to {@code wait} for each page and element instead of 10 s: for a test that runs several
     * servers on a loaded machine, where a page can take longer without anything being wrong.
     */
    public static Browser startedFor(String base, Duration wait) {
        Browser browser = new Browser("en", wait);
        browser.base = base;
        browser.launch();
        return browser;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        base = SpringExtension.getApplicationContext(context).getEnvironment().getRequiredProperty("portvakt.issuer");
        launch();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        clearCookies();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (driver != null) {
            close();
        }
    }

    /** Starts Chromium with an empty profile whose Accept-Language is {@code language}. */
    private void launch() {
        File chromium = new File(setting("portvakt.chromium", "PORTVAKT_CHROMIUM", "/usr/bin/chromium"));
        File chromedriver = new File(setting("portvakt.chromedriver", "PORTVAKT_CHROMEDRIVER", "/usr/bin/chromedriver"));
        if (!chromium.canExecute() || !chromedriver.canExecute()) {
            unavailable("no browser: " + chromium + " and " + chromedriver
                    + " must exist (Debian packages chromium and chromium-driver)", null);
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("portvakt-chromium-");
        } catch (IOException e) {
            throw new IllegalStateException("no temporary directory for the browser profile", e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check", "--disable-quic", "--disable-extensions",
                "--password-store=basic", "--lang=" + language, "--window-size=1280,800",
                "--user-data-dir=" + profile.toAbsolutePath());
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("intl.accept_languages", language);
        prefs.put("credentials_enable_service", false);
        prefs.put("profile.password_manager_enabled", false);
        options.setExperimentalOption("prefs", prefs);
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver)
                .usingAnyFreePort()
                .build();
        try {
            ChromeDriver started = new ChromeDriver(service, options);
            Duration pageLoad = Duration.ofSeconds(30);
            started.manage().timeouts().pageLoadTimeout(wait.compareTo(pageLoad) > 0 ? wait : pageLoad);
            this.driver = started;
            this.service = service;
            this.profile = profile;
        } catch (RuntimeException e) {
            service.stop();
            deleteQuietly(profile);
            unavailable("the browser did not start: " + e.getMessage(), e);
            throw e;
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Opens a path on the server (or a full URL) and waits for the page to load. */
    public Browser open(String pathOrUrl) {
        driver.get(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl);
        return this;
    }

    /**
     * The element, once it is visible; looks again while the page is being replaced (Chromium may then answer
     * "node does not belong to the document" about an element it had just found).
     */
    public WebElement find(By by) {
        return new WebDriverWait(driver, wait).ignoring(WebDriverException.class)
                .until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Clicks the element, once it can be clicked. */
    public void click(By by) {
        new WebDriverWait(driver, wait).until(ExpectedConditions.elementToBeClickable(by)).click();
    }

    /**
     * Replaces the text of a field; tries again while the page replaces the field under it (Chromium then
     * answers "node does not belong to the document").
     */
    public void type(By field, String text) {
        new WebDriverWait(driver, wait).ignoring(WebDriverException.class).until(d -> {
            WebElement element = d.findElement(field);
            if (!element.isDisplayed()) {
                return false;
            }
            element.clear();
            element.sendKeys(text);
            return true;
        });
    }

    /** Waits until the browser's address starts with {@code prefix} (also when that page fails to load). */
    public String waitForUrlStartingWith(String prefix) {
        new WebDriverWait(driver, wait).until(d -> currentUrl().startsWith(prefix));
        return currentUrl();
    }

    /** Waits until the browser's address starts with one of these prefixes; returns it. */
    public String waitForUrlStartingWithOneOf(String... prefixes) {
        new WebDriverWait(driver, wait).until(d -> Stream.of(prefixes).anyMatch(currentUrl()::startsWith));
        return currentUrl();
    }

    /** Waits until the browser's address is {@code url}. */
    public void waitForUrl(String url) {
        new WebDriverWait(driver, wait).until(d -> currentUrl().equals(url));
    }

    /**
     * Waits for the application's redirect URI ({@code prefix}); when the 2FA prompt comes first (a person
     * without 2FA who was not reminded recently), answers "Remind me later" on the way. Returns the arrival URL.
     */
    public String arriveRemindingLater(String prefix) {
        String promptUrl = base + "/signin/two-factor";
        new WebDriverWait(driver, wait).until(d -> currentUrl().startsWith(prefix) || currentUrl().equals(promptUrl));
        remindLaterIfAsked();
        return waitForUrlStartingWith(prefix);
    }

    /**
     * Starts a sign-in at the test web client ({@link OidcClient#web()}) and gets past the email address and the
     * password; answers the authorization request (its redirect URI is where the sign-in arrives).
     */
    public OidcClient.Request signInWithPassword(String email, String password) {
        OidcClient.Request request = OidcClient.web();
        open(request.authorizationUrl());
        waitForPath("/signin");
        type(field("Email address"), email);
        click(button("Next"));
        waitForPath("/signin/password");
        type(field("Password"), password);
        click(button("Sign in"));
        return request;
    }

    /** Signs out with the home page's "Sign out". */
    public void signOut() {
        open("/");
        click(button("Sign out"));
        waitForPath("/signed-out");
    }

    /** Right after signing in: answers "Remind me later" if the 2FA prompt is what the browser shows. */
    public void remindLaterIfAsked() {
        new WebDriverWait(driver, wait).until(d -> !currentUrl().equals(base + "/signin/password"));
        if (currentUrl().equals(base + "/signin/two-factor")) {
            click(button("Remind me later"));
            new WebDriverWait(driver, wait).until(d -> !currentUrl().equals(base + "/signin/two-factor"));
        }
    }

    /** Waits until the server's page at {@code path} is shown. */
    public void waitForPath(String path) {
        waitForUrlStartingWith(base + path);
    }

    /** Waits until the page's path is one of these. */
    public void waitForPathOneOf(String... paths) {
        new WebDriverWait(driver, wait).until(d -> List.of(paths).contains(java.net.URI.create(d.getCurrentUrl()).getPath()));
    }

    /** Waits until the page's visible text contains this (a page that changes by itself). */
    public void waitForText(String text) {
        new WebDriverWait(driver, wait).until(d -> text().contains(text));
    }

    /** The browser's address; after a navigation that failed (nothing listens there) still the address it tried. */
    public String currentUrl() {
        return driver.getCurrentUrl();
    }

    /** The visible text of the page (of the page that is there once a navigation under way has ended). */
    public String text() {
        return new WebDriverWait(driver, wait).ignoring(WebDriverException.class)
                .until(d -> find(By.tagName("body")).getText());
    }

    /** The text field with this label. */
    public static By field(String label) {
        return By.xpath("//input[@id=//label[normalize-space()=" + quoted(label) + "]/@for]");
    }

    /** The checkbox whose label says this. */
    public static By checkbox(String label) {
        return By.xpath("//label[.//*[normalize-space()=" + quoted(label) + "]]//input[@type='checkbox']");
    }

    /** The button that says this. */
    public static By button(String text) {
        return By.xpath("//button[normalize-space()=" + quoted(text) + "]");
    }

    /** The link that says this, in words or (for an icon) in its accessible name. */
    public static By link(String text) {
        return By.xpath("//a[normalize-space()=" + quoted(text) + " or @aria-label=" + quoted(text) + "]");
    }

    private static String quoted(String text) {
        return text.contains("'") ? "\"" + text + "\"" : "'" + text + "'";
    }

    /** Forgets every cookie of the server, as a new visitor. */
    public void clearCookies() {
        driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
    }

    /** Forgets every cookie and everything cached: a cold browser again, for a test class with several page weights. */
    public void coldAgain() {
        driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
    }

    /**
     * Forgets the cookies that live only as long as the browser (the session), keeping the long-lived ones:
     * what closing the browser and opening it again does.
     */
    @SuppressWarnings("unchecked")
    public void closeAndReopen() {
        Map<String, Object> all = driver.executeCdpCommand("Network.getAllCookies", Map.of());
        for (Map<String, Object> cookie : (List<Map<String, Object>>) all.get("cookies")) {
            if (Boolean.TRUE.equals(cookie.get("session"))) {
                driver.executeCdpCommand("Network.deleteCookies", Map.of("name", cookie.get("name"),
                        "domain", cookie.get("domain"), "path", cookie.get("path")));
            }
        }
    }

    /** Shows pages as on this screen: window size, and on a phone also touch and mobile viewport rules. */
    public void resize(Screen screen) {
        Map<String, Object> metrics = new HashMap<>();
        metrics.put("width", screen.width);
        metrics.put("height", screen.height);
        metrics.put("deviceScaleFactor", 1);
        metrics.put("mobile", screen.mobile);
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", metrics);
        driver.executeCdpCommand("Emulation.setTouchEmulationEnabled", Map.of("enabled", screen.mobile));
    }

    /** Saves {@link #screenshot}s at every screen width, and goes back to the desktop's. */
    public void screenshotsAtEveryWidth(String name) {
        for (Screen screen : Screen.values()) {
            resize(screen);
            screenshot(name, screen);
        }
        resize(Screen.DESKTOP);
    }

    /**
     * Saves a picture of the whole page (beyond the window when it is longer) as
     * {@code target/screenshots/NAME-desktop.png} or {@code -phone.png}.
     */
    public Path screenshot(String name, Screen screen) {
        Map<String, Object> params = new HashMap<>();
        params.put("format", "png");
        params.put("captureBeyondViewport", true);
        Object width = driver.executeScript("return document.documentElement.scrollWidth");
        Object height = driver.executeScript("return document.documentElement.scrollHeight");
        params.put("clip", Map.of("x", 0, "y", 0, "width", width, "height", Math.max(((Number) height).intValue(), screen.height),
                "scale", 1));
        Map<String, Object> result = driver.executeCdpCommand("Page.captureScreenshot", params);
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + "-" + screen.name().toLowerCase(Locale.ROOT) + ".png");
            Files.write(file, Base64.getDecoder().decode((String) result.get("data")));
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("could not save the screenshot " + name, e);
        }
    }

    /**
     * Saves a screenshot ({@link #screenshot}) and checks what a machine can see on it: nothing wider than the
     * screen, and nothing to tap smaller than WCAG's minimum target of 24 by 24 CSS pixels (a checkbox's target
     * is its whole label). The first time a page of this name is looked at, also {@linkplain #checkAccessibility
     * checks its accessibility} (once per page, not per screen size: axe takes a second a page).
     */
    public void checkScreen(String name, Screen screen) {
        screenshot(name, screen);
        if (accessibilityChecked.add(name)) {
            checkAccessibility(name);
        }
        Number overflow = (Number) driver.executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(overflow.intValue()).as("%s on a %s is wider than the screen", name, screen).isLessThanOrEqualTo(0);
        @SuppressWarnings("unchecked")
        List<String> small = (List<String>) driver.executeScript("""
                return [...document.querySelectorAll('a, button, input:not([type=hidden]), label.check')]
                  .filter(e => e.offsetParent !== null)
                  .filter(e => !(e.matches('input') && e.closest('label')))  // the whole label is its target
                  .filter(e => { const r = e.getBoundingClientRect(); return r.width < 24 || r.height < 24; })
                  .map(e => e.outerHTML.slice(0, 80));
                """);
        assertThat(small).as("%s on a %s: targets smaller than 24x24", name, screen).isEmpty();
    }

    /**
     * Runs axe-core (the accessibility rules engine, {@code interop/axe/}) on the page shown and fails with a list of
     * what breaks WCAG 2.2 levels A and AA: rule, impact, the elements (CSS selectors) and where the rule is explained.
     * axe is given to the page through WebDriver, which the page's Content-Security-Policy does not govern.
     */
    public void checkAccessibility(String name) {
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        // A page sandboxed by its Content-Security-Policy (a mail as the dev outbox serves it) never finishes an
        // asynchronous script: its markup is checked as a copy in a blank page, then the browser goes back.
        boolean sandboxed = "null".equals(driver.executeScript("return window.origin"));
        if (sandboxed) {
            Object html = driver.executeScript("return document.documentElement.outerHTML");
            driver.get("about:blank");
            driver.executeScript("document.open(); document.write(arguments[0]); document.close()", html);
        }
        driver.executeScript(Axe.source());
        Object found = driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, {
                  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
                  resultTypes: ['violations'],
                  // A framed page (the dev outbox's mail) is checked when a test opens it on its own; axe would
                  // otherwise wait in vain for an answer from a frame it was not injected into.
                  iframes: false
                }).then(results => done(results.violations.map(v => `${v.id} (${v.impact}): ${v.help}\\n    `
                    + v.nodes.map(n => n.target.join(' ')).join('\\n    ') + `\\n    ${v.helpUrl}`)),
                  error => done(['axe did not run: ' + error]));
                """);
        @SuppressWarnings("unchecked")
        List<String> violations = (List<String>) found;
        if (sandboxed) {
            driver.navigate().back();
        }
        assertThat(violations).as("%s (%s): accessibility violations (axe-core, WCAG 2.2 A and AA):\n%s", name,
                currentUrl(), String.join("\n", violations)).isEmpty();
    }

    /** The DevTools events recorded since the last call (the Network and Page domains), as JSON messages. */
    public List<String> devToolsEvents() {
        List<String> events = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            events.add(entry.getMessage());
        }
        return events;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteQuietly(profile);
        }
    }

    private static void unavailable(String reason, Throwable cause) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true and " + reason, cause);
        }
        Assumptions.abort("Browser tests skipped: " + reason);
    }

    private static String setting(String property, String environment, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(environment);
        }
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A left-over temporary profile costs disk, not correctness.
        }
    }
}
