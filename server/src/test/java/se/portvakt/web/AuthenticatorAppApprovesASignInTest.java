package se.portvakt.web;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.testing.Browser.button;
import static se.portvakt.web.AuthenticatorAppScreens.numberButton;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.factor.push.Device;
import se.portvakt.factor.push.Devices;
import se.portvakt.factor.push.PairingCode;
import se.portvakt.factor.push.Pairings;
import se.portvakt.factor.push.PushRequest;
import se.portvakt.factor.push.PushRequests;
import se.portvakt.factor.push.PushStart;
import se.portvakt.testing.Browser;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.LocalPushService;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TestServer;

/**
 * Journey steps 4a and 5 with Portvakt Authenticator, the web app, in a real headless Chromium as the phone: it
 * opens the link behind the pairing QR code, the person accepts, and the app pairs with a key it made; then sign-ins
 * of that account reach it (by its polling while open, and by a push message given to its service worker) and the
 * person taps the number the browser shows, taps a wrong one, or denies and reports "This wasn't me"; "Remove"
 * unpairs it, and a device removed on the server is said to be so. The person's browser is the server's own
 * pairing and request services, which the sign-in pages call.
 */
@OnH2
class AuthenticatorAppApprovesASignInTest {

    /** Generous: the app polls every 4 s, and a push goes through the service worker, slow on a busy machine. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final Browser browser = Browser.perTestClass();

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    Pairings pairings;

    @Autowired
    Devices devices;

    @Autowired
    PushRequests requests;

    private final AuthenticatorAppScreens app = new AuthenticatorAppScreens(browser);

    /** Journey step 4a on the phone: the QR code's link, "Accept", "Account added". */
    private Device pairedByTheQrLink(Account person) {
        return pairedByTheQrLink(issuer, pairings, person);
    }

    /** The same with the server at {@code base}. */
    private Device pairedByTheQrLink(String base, Pairings pairings, Account person) {
        String signIn = UUID.randomUUID().toString();
        PairingCode code = pairings.issue(person.id(), signIn);
        app.open(base);
        app.forgetAccounts();
        browser.open(code.link(base));
        assertThat(browser.find(By.id("accept-intro")).getText()).contains(code.displayed().replace('-', '\u2011'));
        assertThat(browser.currentUrl()).as("the code leaves the address").isEqualTo(base + "/authenticator/");
        browser.click(button("Accept"));
        browser.find(By.id("done-title"));
        assertThat(browser.text()).contains("Account added", person.email().value() + " is now on this device.");
        Device device = pairings.pairedBy(signIn).orElseThrow();
        assertThat(device.name()).isEqualTo("Linux (Chrome)");
        browser.click(button("Done"));
        assertThat(browser.find(By.cssSelector(".account .email")).getText()).isEqualTo(person.email().value());
        return device;
    }

    private PushRequest signInAsks(Account person, String signIn) {
        PushStart start = requests.start(person.id(), signIn, "Flex HRM", "192.0.2.44");
        assertThat(start).isInstanceOf(PushStart.Sent.class);
        return ((PushStart.Sent) start).request();
    }

    private PushRequest.State stateOf(String signIn) {
        return requests.latest(signIn).orElseThrow().state();
    }

    /** The outcome the request card shows, once it shows one (the card is drawn anew as its state changes). */
    private String outcome() {
        return new WebDriverWait(browser.driver(), WAIT).ignoring(WebDriverException.class)
                .until(d -> d.findElement(By.cssSelector(".request .outcome")).getText());
    }

    @Test
    void pairsByTheQrLinkThenApprovesWithTheNumberTheBrowserShows() {
        Account person = TestPeople.account(accounts, "authenticator.app", null);
        Device device = pairedByTheQrLink(person);
        Object key = browser.driver().executeAsyncScript("""
                const done = arguments[0];
                PortvaktDevice.accounts().then(([a]) => done([a.device, a.keys.privateKey.extractable]));
                """);
        assertThat(key).isEqualTo(List.of(device.id(), false));

        String signIn = UUID.randomUUID().toString();
        PushRequest request = signInAsks(person, signIn);
        // Found by the app's own polling: notifications are blocked in this browser.
        browser.find(numberButton(request.number()));
        assertThat(browser.find(By.cssSelector(".request .facts")).getText())
                .contains("Flex HRM", person.email().value(), "192.0.2.44");
        assertThat(browser.driver().findElements(By.cssSelector(".request .numbers button")))
                .extracting(b -> Integer.valueOf(b.getText())).isEqualTo(request.choices());

        browser.click(numberButton(request.number()));
        assertThat(outcome()).isEqualTo("Approved. Go back to your browser: you are being signed in.");
        assertThat(stateOf(signIn)).isEqualTo(PushRequest.State.APPROVED);
    }

    @Test
    void aWrongNumberIsSentAndDeniesThenThisWasntMeIsReported() {
        Account person = TestPeople.account(accounts, "authenticator.wrong", null);
        pairedByTheQrLink(person);

        String first = UUID.randomUUID().toString();
        PushRequest request = signInAsks(person, first);
        int wrong = request.choices().stream().filter(n -> n != request.number()).findFirst().orElseThrow();
        browser.click(numberButton(wrong));
        assertThat(outcome()).startsWith("That was not the number in the browser, so the sign-in was denied.");
        assertThat(stateOf(first)).isEqualTo(PushRequest.State.DENIED);
        browser.click(button("OK"));

        String second = UUID.randomUUID().toString();
        signInAsks(person, second);
        browser.click(By.cssSelector(".request button.deny"));
        assertThat(outcome()).isEqualTo("Denied. Nobody is signed in with this request.");
        assertThat(stateOf(second)).isEqualTo(PushRequest.State.DENIED);
        browser.click(button("This wasn't me"));
        new WebDriverWait(browser.driver(), WAIT).until(d -> browser.text().contains(
                "Thank you. Notifications are paused for your account and we have mailed you how to change your password."));
        assertThat(requests.pausedUntil(person.id())).as("push paused after \"This wasn't me\"").isPresent();
    }

    @Test
    void aPushMessageBecomesANotificationWithTheApplicationsName() {
        Account person = TestPeople.account(accounts, "authenticator.push", null);
        pairedByTheQrLink(person);
        browser.driver().executeCdpCommand("Browser.setPermission", Map.of(
                "permission", Map.of("name", "notifications"), "setting", "granted", "origin", issuer));
        PushRequest request = signInAsks(person, UUID.randomUUID().toString());

        app.deliverPush("{\"request\":\"" + request.id() + "\"}");

        // The service worker fetched the details with its own signed call and showed them.
        assertThat(notification()).containsExactly("Sign-in request", "Flex HRM · 192.0.2.44", request.id());
        browser.find(numberButton(request.number()));
    }

    /**
     * The whole way of a push: the server encrypts and sends with VAPID to a push service nobody here wrote, which
     * checks and decrypts it; its payload, given to the app's service worker, becomes a notification with the
     * details, and the app approves. Headless Chromium reaches no push service, so the device is given the local
     * push service's subscription in the database: the device API rightly takes only https endpoints from a device,
     * and this service speaks http on 127.0.0.1 (a test seam, no code path of the product).
     */
    @Test
    void aSignInReachesThePhoneThroughAPushServiceAndItsServiceWorker() throws Exception {
        try (LocalPushService pushService = LocalPushService.start();
                TestServer server = TestServer.onNewH2(Map.of("portvakt.push.private-endpoints", "true"))) {
            HttpResponse<String> key = new HttpAgent(server.issuer()).get("/authenticator/api/push-key");
            Matcher serverKey = Pattern.compile("\"applicationServerKey\":\"([A-Za-z0-9_-]+)\"").matcher(key.body());
            assertThat(serverKey.find()).as(key.body()).isTrue();
            LocalPushService.Subscription subscription = pushService.subscribe(serverKey.group(1));
            Account person = TestPeople.account(server.bean(AccountStore.class), "authenticator.push.service", null);
            Device device = pairedByTheQrLink(server.issuer(), server.bean(Pairings.class), person);
            assertThat(server.bean(JdbcClient.class).sql("""
                    UPDATE authenticator_device SET push_endpoint = :endpoint, push_p256dh = :p256dh, push_auth = :auth
                    WHERE id = :id
                    """).param("endpoint", subscription.push().endpoint()).param("p256dh", subscription.push().p256dh())
                    .param("auth", subscription.push().auth()).param("id", device.id()).update()).isEqualTo(1);
            browser.driver().executeCdpCommand("Browser.setPermission", Map.of("permission",
                    Map.of("name", "notifications"), "setting", "granted", "origin", server.issuer()));

            String signIn = UUID.randomUUID().toString();
            PushStart start = server.bean(PushRequests.class).start(person.id(), signIn, "Flex HRM", "192.0.2.46");
            PushRequest request = ((PushStart.Sent) start).request();
            String payload = new WebDriverWait(browser.driver(), WAIT)
                    .until(d -> messages(pushService, subscription).stream().findFirst().orElse(null));
            assertThat(payload).as("the message as the push service decrypted it").isEqualTo(
                    "{\"request\":\"" + request.id() + "\"}");

            app.deliverPush(payload);
            assertThat(notification()).containsExactly("Sign-in request", "Flex HRM · 192.0.2.46", request.id());
            browser.click(numberButton(request.number()));
            assertThat(outcome()).startsWith("Approved.");
            assertThat(server.bean(PushRequests.class).latest(signIn).orElseThrow().state())
                    .isEqualTo(PushRequest.State.APPROVED);
        }
    }

    @Test
    void withTypeNumberThePersonTypesTheNumberInstead() {
        try (TestServer server = TestServer.onNewH2(Map.of("portvakt.authenticator.type-number", "true"))) {
            Account person = TestPeople.account(server.bean(AccountStore.class), "authenticator.type", null);
            pairedByTheQrLink(server.issuer(), server.bean(Pairings.class), person);
            String signIn = UUID.randomUUID().toString();
            PushStart start = server.bean(PushRequests.class).start(person.id(), signIn, "Flex HRM", "192.0.2.47");
            PushRequest request = ((PushStart.Sent) start).request();

            By field = Browser.field("Type the number that your browser shows");
            browser.find(field);
            assertThat(browser.driver().findElements(By.cssSelector(".request .numbers"))).as("no numbers to tap").isEmpty();
            app.photographAsIs("request-type-number-en");
            browser.type(field, "7");
            browser.click(button("Approve"));
            assertThat(browser.find(By.cssSelector(".request .alert")).getText())
                    .isEqualTo("Type the two digits that your browser shows.");
            browser.type(field, String.valueOf(request.number()));
            browser.click(button("Approve"));
            assertThat(outcome()).startsWith("Approved.");
            assertThat(server.bean(PushRequests.class).latest(signIn).orElseThrow().state())
                    .isEqualTo(PushRequest.State.APPROVED);
        }
    }

    private static List<String> messages(LocalPushService service, LocalPushService.Subscription subscription) {
        try {
            return service.messages(subscription);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The first notification the service worker shows: title, text and the request id it carries. */
    @SuppressWarnings("unchecked")
    private List<Object> notification() {
        return (List<Object>) new WebDriverWait(browser.driver(), WAIT).until(d -> browser.driver().executeAsyncScript("""
                const done = arguments[0];
                navigator.serviceWorker.ready.then(r => r.getNotifications())
                  .then(all => done(all.length ? [all[0].title, all[0].body, all[0].data.request] : null));
                """));
    }

    @Test
    void removeUnpairsTheDeviceAndADeviceRemovedOnTheServerIsSaidToBeGone() {
        Account person = TestPeople.account(accounts, "authenticator.remove", null);
        pairedByTheQrLink(person);
        browser.click(By.cssSelector(".account .remove"));
        browser.click(button("Remove account"));
        new WebDriverWait(browser.driver(), WAIT).until(d -> browser.text().contains(
                person.email().value() + " was removed from this app."));
        assertThat(devices.of(person.id())).isEmpty();
        assertThat(browser.driver().findElements(By.cssSelector(".account"))).isEmpty();

        Device device = pairedByTheQrLink(person);
        assertThat(devices.remove(person.id(), device.id())).isTrue();
        new WebDriverWait(browser.driver(), WAIT).until(d -> browser.text().contains(
                "Portvakt no longer knows this device: it was removed from the account " + person.email().value()));
        app.photographAsIs("account-removed-on-server-en");
        browser.click(button("Forget account"));
        new WebDriverWait(browser.driver(), WAIT)
                .until(d -> browser.driver().findElements(By.cssSelector(".account")).isEmpty());
    }

    @Test
    void everyScreenOfAPairedAppInEnglish() {
        Account person = TestPeople.account(accounts, "authenticator.screens", null);
        app.photographPaired(issuer, "en", () -> pairings.issue(person.id(), UUID.randomUUID().toString()).link(issuer),
                () -> signInAsks(person, UUID.randomUUID().toString()).number());
    }
}
