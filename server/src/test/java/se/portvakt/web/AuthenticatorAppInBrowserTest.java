package se.portvakt.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Value;

import se.portvakt.testing.Browser;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestServer;

/**
 * Portvakt Authenticator, the web app of journey step 4a, in a real headless Chromium under the server's content
 * security policy: it can be installed (a valid manifest whose icons load), its service worker takes control and
 * keeps the app shell so that the app opens and lists its accounts with the server gone, and the key it makes for
 * an account can sign but cannot be read, not even by the app's own script.
 */
@OnH2
class AuthenticatorAppInBrowserTest {

    @RegisterExtension
    static final Browser browser = Browser.perTestClass();

    @Value("${portvakt.issuer}")
    String issuer;

    private final AuthenticatorAppScreens app = new AuthenticatorAppScreens(browser);

    @Test
    @SuppressWarnings("unchecked")
    void theAppLinksAValidManifestWhoseIconsLoad() {
        app.open(issuer);
        assertThat(browser.driver().findElement(By.cssSelector("link[rel=manifest]")).getDomAttribute("href")).isEqualTo("manifest.webmanifest");

        // Chromium's own reading of the manifest, fetched as for installing (so under manifest-src).
        Map<String, Object> manifest = browser.driver().executeCdpCommand("Page.getAppManifest", Map.of());
        assertThat((List<Object>) manifest.get("errors")).as("manifest errors").isEmpty();
        assertThat(manifest.get("url")).isEqualTo(issuer + "/authenticator/manifest.webmanifest");
        // Empty when the content security policy blocked the manifest (no manifest-src: default-src 'none').
        assertThat((String) manifest.get("data")).contains("\"name\": \"Portvakt Authenticator\"");

        Map<String, Object> read = (Map<String, Object>) browser.driver().executeAsyncScript("""
                const done = arguments[0];
                fetch(document.querySelector('link[rel=manifest]').href)
                  .then(r => r.json().then(json => ({ type: r.headers.get('Content-Type'), json })))
                  .then(async ({ type, json }) => {
                    const icons = [];
                    for (const icon of json.icons) {
                      const image = new Image();
                      image.src = new URL(icon.src, location.href).href;
                      await image.decode();
                      icons.push({ sizes: icon.sizes, purpose: icon.purpose, drawn: image.naturalWidth + 'x' + image.naturalHeight });
                    }
                    done({ type, json, icons });
                  }, e => done({ error: String(e) }));
                """);
        assertThat(read).doesNotContainKey("error");
        assertThat(read.get("type")).isEqualTo("application/manifest+json");
        Map<String, Object> json = (Map<String, Object>) read.get("json");
        assertThat(json).containsEntry("name", "Portvakt Authenticator").containsEntry("start_url", "/authenticator/")
                .containsEntry("scope", "/authenticator/").containsEntry("display", "standalone")
                .containsEntry("theme_color", "#1d4ed8").containsEntry("background_color", "#f3f4f6");
        List<Map<String, Object>> icons = (List<Map<String, Object>>) read.get("icons");
        assertThat(icons).allSatisfy(icon -> assertThat(icon.get("drawn")).isEqualTo(icon.get("sizes")));
        assertThat(icons).extracting(icon -> icon.get("sizes") + " " + icon.get("purpose"))
                .contains("192x192 any", "512x512 any", "512x512 maskable", "180x180 any");
        assertThat(browser.driver().findElement(By.cssSelector("link[rel=apple-touch-icon]")).getDomAttribute("href"))
                .isEqualTo("icons/apple-touch-icon.png");
    }

    @Test
    void itsServiceWorkerTakesControlOfTheApp() {
        app.open(issuer);
        assertThat(app.waitUntilControlled()).isEqualTo(issuer + "/authenticator/sw.js");
        Object scope = browser.driver().executeAsyncScript(
                "const done = arguments[0]; navigator.serviceWorker.ready.then(r => done(r.scope));");
        assertThat(scope).isEqualTo(issuer + "/authenticator/");
        // A page opened later in the scope is controlled from its first request on.
        browser.open(issuer + "/authenticator/");
        assertThat(browser.driver().executeScript("return navigator.serviceWorker.controller !== null")).isEqualTo(true);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theKeyOfAnAccountCanSignButNotBeRead() {
        app.open(issuer);
        app.storeAccount("key.check@company.com", issuer);
        Map<String, Object> key = (Map<String, Object>) browser.driver().executeAsyncScript("""
                const done = arguments[0];
                // Read back from IndexedDB, as the app and its service worker read it.
                PortvaktDevice.accounts().then(async ([account]) => {
                  const key = account.keys.privateKey;
                  const exported = await crypto.subtle.exportKey('pkcs8', key).then(() => 'exported', e => e.name);
                  const jwk = await crypto.subtle.exportKey('jwk', key).then(() => 'exported', e => e.name);
                  const data = new TextEncoder().encode('a message');
                  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, data);
                  const verified = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, account.keys.publicKey,
                      signature, data);
                  done({ extractable: key.extractable, type: key.type, curve: key.algorithm.namedCurve, exported, jwk,
                      signatureBytes: signature.byteLength, verified });
                }, e => done({ error: String(e) }));
                """);
        assertThat(key).containsEntry("extractable", false).containsEntry("type", "private")
                .containsEntry("curve", "P-256").containsEntry("exported", "InvalidAccessError")
                .containsEntry("jwk", "InvalidAccessError").containsEntry("verified", true);
        // The raw r||s form that a JWS ES256 signature is.
        assertThat(((Number) key.get("signatureBytes")).intValue()).isEqualTo(64);
        app.forgetAccounts();
    }

    @Test
    void theAppOpensAndListsItsAccountsWithTheServerGone() {
        TestServer server = TestServer.onNewH2(Map.of());
        try {
            app.open(server.issuer());
            app.waitUntilControlled();
            app.storeAccount("offline@company.com", server.issuer());
        } finally {
            server.close();
        }
        // Not a file of the shell, so the service worker does not answer it from its cache.
        assertThat(browser.driver().executeAsyncScript("""
                const [url, done] = arguments;
                fetch(url, { cache: 'no-store' }).then(() => done('answered'), () => done('gone'));
                """, server.issuer() + "/authenticator/api/push-key")).isEqualTo("gone");

        browser.driver().navigate().refresh();
        browser.find(By.cssSelector(".account .email"));
        assertThat(browser.text()).contains("Your accounts", "offline@company.com", "This device: Pixel 8 (Chrome)");
        // The stylesheets came from the cache too: the button has the sign-in pages' blue.
        assertThat(browser.find(By.id("add")).getCssValue("background-color")).isEqualTo("rgba(29, 78, 216, 1)");
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10))
                .until(d -> browser.text().contains("No connection to Portvakt."));
    }

    @Test
    void everyScreenInEnglish() {
        app.photograph(issuer, "en");
    }
}
