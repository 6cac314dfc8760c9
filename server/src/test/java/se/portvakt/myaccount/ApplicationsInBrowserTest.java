package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.link;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.brand.BrandDefinition;
import se.portvakt.brand.Brands;
import se.portvakt.client.ClientDefinition;
import se.portvakt.client.ClientType;
import se.portvakt.client.Clients;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.Browser;
import se.portvakt.testing.Browser.Screen;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestPeople;

/**
 * "Applications" in Chromium, in English and in Swedish: the person has signed in to a branded application (the test
 * bootstrap's logo), the test web application and the test mobile application, each with offline_access; opens the
 * section from the navigation and removes one application's access. Each state is photographed on a desktop and a
 * phone (under {@code target/screenshots/}) and checked by axe-core.
 */
@OnH2
class ApplicationsInBrowserTest {

    private static final String PASSWORD = "a long enough password";

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
    Clients clients;

    @Autowired
    Brands brands;

    @Test
    void aPersonRemovesAnApplicationsAccessInEnglish() throws IOException {
        Account person = TestPeople.account(accounts, "applications.browser", hasher.hash(PASSWORD));
        browser.resize(Screen.DESKTOP);
        MyAccountInBrowserTest.signIn(browser, person, "Email address", "Next", "Password", "Sign in", null);
        String webRefreshToken = applicationsOf(person);

        browser.click(link("Applications"));
        browser.waitForPath("/account/applications");
        assertThat(browser.text()).contains("Applications", "Brandt Payroll", "Test web app", "Test mobile app",
                "Since ", "Last used ", "Remove access");
        assertLogoShown(browser);
        photograph(browser, "account-applications");

        browser.click(removeAccessOf("Test web app"));
        browser.waitForText("Test web app no longer has access to your account.");
        assertThat(browser.text()).contains("Brandt Payroll", "Test mobile app");
        assertThat(browser.driver().findElements(removeAccessOf("Test web app"))).isEmpty();
        assertThat(new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-web", "test-web-secret"))
                .post("/oauth2/token", OidcClient.form("grant_type", "refresh_token", "refresh_token", webRefreshToken))
                .statusCode()).isEqualTo(400);
        photograph(browser, "account-applications-removed");
    }

    @Test
    void applikationerPaSvenska() throws IOException {
        Account person = TestPeople.account(accounts, "applications.webblasare", hasher.hash(PASSWORD));
        swedish.resize(Screen.DESKTOP);
        MyAccountInBrowserTest.signIn(swedish, person, "E-postadress", "Nästa", "Lösenord", "Logga in", null);
        applicationsOf(person);

        swedish.click(link("Applikationer"));
        swedish.waitForPath("/account/applications");
        assertThat(swedish.text()).contains("Applikationer", "Brandt Payroll", "Test web app", "Sedan ",
                "Senast använd ", "Ta bort åtkomst");
        assertLogoShown(swedish);
        photograph(swedish, "account-applications-sv");

        swedish.click(removeAccessOf("Test mobile app"));
        swedish.waitForText("Test mobile app har inte längre åtkomst till ditt konto.");
        photograph(swedish, "account-applications-removed-sv");
    }

    /**
     * Signs the person in (over HTTP: only the tokens matter here) to a branded application, the test web application
     * and the test mobile application, each with offline_access; returns the web application's refresh token.
     */
    private String applicationsOf(Account person) throws IOException {
        String branded = "applications-branded-" + UUID.randomUUID().toString().substring(0, 8);
        String callback = "http://localhost:8081/" + branded + "/callback";
        clients.apply(new ClientDefinition(branded, "Test branded app", ClientType.WEB, "branded-secret",
                List.of(callback), List.of(), List.of("openid", "email", "offline_access"), null, null, false));
        try (InputStream logo = getClass().getResourceAsStream("/bootstrap/test-brand.svg")) {
            brands.apply(branded, "Test branded app", BrandDefinition.of(branded, "Brandt Payroll", "test-brand.svg",
                    logo.readAllBytes(), "#7C2D12"));
        }
        HttpAgent agent = new HttpAgent(issuer).header("X-Forwarded-For", TestPeople.uniqueAddress());
        agent.get(HttpAgent.location(agent.get("/account")));
        agent.post("/signin", Map.of("email", person.email().value()));
        agent.post("/signin/password", Map.of("password", PASSWORD));
        exchange(agent, new OidcClient.Request(branded, callback, "openid email offline_access"), "branded-secret");
        exchange(agent, OidcClient.nativeApp(), null);
        return exchange(agent, OidcClient.web(), "test-web-secret");
    }

    private String exchange(HttpAgent agent, OidcClient.Request request, String secret) {
        URI back = OidcClient.authorize(agent, request);
        Map<String, String> form = new LinkedHashMap<>(OidcClient.codeExchange(request, OidcClient.param(back, "code")));
        HttpAgent client = new HttpAgent(issuer);
        if (secret == null) {
            form.put("client_id", request.clientId);
        } else {
            client.header("Authorization", OidcClient.basic(request.clientId, secret));
        }
        HttpResponse<String> tokens = client.post("/oauth2/token", form);
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        return OidcClient.json(tokens).get("refresh_token").asString();
    }

    /** The branded application's row shows its logo, loaded. */
    private static void assertLogoShown(Browser browser) {
        WebElement logo = browser.find(By.xpath("//li[.//*[normalize-space()='Brandt Payroll']]//img"));
        assertThat(logo.getAttribute("src")).contains("/brand/applications-branded-").endsWith(".svg");
        assertThat(((Number) browser.driver().executeScript("return arguments[0].naturalWidth", logo)).intValue())
                .isPositive();
    }

    /** The "Remove access" button in the row of this application. */
    private static By removeAccessOf(String application) {
        return By.xpath("//li[.//*[normalize-space()='" + application + "']]//button");
    }

    private static void photograph(Browser browser, String name) {
        for (Screen screen : Screen.values()) {
            browser.resize(screen);
            browser.checkScreen(name, screen);
        }
        browser.resize(Screen.DESKTOP);
    }
}
