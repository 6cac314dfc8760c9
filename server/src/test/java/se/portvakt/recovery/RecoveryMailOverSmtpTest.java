package se.portvakt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;

import se.portvakt.account.AccountStore;
import se.portvakt.testing.CaptchaSolver;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.TestPeople;

/**
 * Journey step 3 over real SMTP: the server talks to an embedded SMTP server (GreenMail, on a free port) as
 * it would to the company's mail relay, and the test reads what a mail client would get: a message with a
 * plain-text and an HTML part, in the person's language, whose link is followed to the end of the journey.
 */
@OnH2
class RecoveryMailOverSmtpTest {

    private static final GreenMail SMTP = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    private static final Pattern LINK = Pattern.compile("https?://[^\\s\"<>]+/recovery/(?:reset|link)\\?token=[A-Za-z0-9_-]+");
    private static final String NEW_PASSWORD = "a brand new passphrase";

    static {
        SMTP.start();
    }

    @DynamicPropertySource
    static void mailGoesToTheSmtpServer(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> SMTP.getSmtp().getBindTo());
        registry.add("spring.mail.port", () -> SMTP.getSmtp().getPort());
        registry.add("portvakt.mail.from", () -> "Portvakt <no-reply@portvakt.test>");
    }

    @AfterAll
    static void stopSmtp() {
        SMTP.stop();
    }

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Test
    void theResetMailHasAGreenButtonAndSetsAPasswordThatSignsIn() throws Exception {
        String email = TestPeople.account(accounts, "smtp.reset", null).email().value();
        HttpAgent browser = TestPeople.browser(issuer);

        askFor(browser, email, "reset");

        Mail mail = awaitMail(email, "Set your new password");
        assertThat(mail.from()).isEqualTo("no-reply@portvakt.test");
        String link = mail.link();
        assertThat(link).startsWith(issuer + "/recovery/reset?token=");
        assertThat(mail.text()).contains("Enter new password: " + link, "The link works once, for 60 minutes.")
                .doesNotContain("<", "button");
        assertThat(mail.html()).contains("The button works once, for 60 minutes.");
        assertThat(mail.html()).containsPattern("<a href=\"" + Pattern.quote(link.replace("&", "&amp;"))
                + "\"[^>]*background:#15803d[^>]*>Enter new password</a>");

        // The link opens the page with the button; the button spends it.
        assertThat(browser.get(link).body()).contains("Change password");
        HttpResponse<String> changed = browser.post("/recovery/reset",
                Map.of("token", token(link), "password", NEW_PASSWORD, "confirm", NEW_PASSWORD));
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.body()).contains("Your password was changed");

        URI arrival = OidcClient.signIn(TestPeople.browser(issuer), OidcClient.web(), email, NEW_PASSWORD);
        assertThat(OidcClient.param(arrival, "code")).isNotBlank();

        Mail notice = awaitMail(email, "Your password was changed");
        assertThat(notice.text()).contains("The password of your account " + email + " was just changed");
        assertThat(notice.html()).contains("The password of your account " + email + " was just changed");
    }

    @Test
    void theSignInLinkMailSignsThePersonInOnceAndBackAtTheApplication() throws Exception {
        String email = TestPeople.account(accounts, "smtp.link", null).email().value();
        HttpAgent browser = TestPeople.browser(issuer);
        OidcClient.Request fromTheApp = OidcClient.web();
        browser.get(fromTheApp.authorizationUrl());
        browser.get("/signin");
        browser.post("/signin", Map.of("email", email));

        askFor(browser, email, "link");

        Mail mail = awaitMail(email, "Your sign-in link");
        String link = mail.link();
        assertThat(link).startsWith(issuer + "/recovery/link?token=");
        assertThat(mail.text()).contains("Sign in: " + link, "The link works once, for 15 minutes.").doesNotContain("button");
        assertThat(mail.html()).contains("href=\"" + link + "\"").contains(">Sign in</a>");

        assertThat(browser.get(link).body()).contains("Sign in with your link");
        HttpResponse<String> used = browser.post("/recovery/link", Map.of("token", token(link)));
        HttpResponse<String> toClient = browser.follow(used);
        URI arrival = URI.create(HttpAgent.location(toClient));
        assertThat(arrival.toString()).startsWith(fromTheApp.redirectUri + "?");
        assertThat(OidcClient.param(arrival, "code")).isNotBlank();
        assertThat(OidcClient.param(arrival, "state")).isEqualTo(fromTheApp.state);

        // Once: the same link again is refused.
        assertThat(browser.get(link).body()).contains("This link no longer works");
        browser.get("/signin/forgot");
        assertThat(browser.post("/recovery/link", Map.of("token", token(link))).body()).contains("This link no longer works");
    }

    @Test
    void aSwedishBrowserGetsTheMailInSwedish() throws Exception {
        String email = TestPeople.account(accounts, "smtp.sv", null).email().value();
        HttpAgent browser = TestPeople.browser(issuer).header("Accept-Language", "sv-SE,sv;q=0.9");

        askFor(browser, email, "reset");

        Mail mail = awaitMail(email, "Ange ditt nya lösenord");
        assertThat(mail.text()).contains("Hej ", "Ange nytt lösenord: " + mail.link());
        assertThat(mail.html()).contains("lang=\"sv\"").containsPattern("background:#15803d[^>]*>Ange nytt lösenord</a>");

        browser.get(mail.link());
        browser.post("/recovery/reset", Map.of("token", token(mail.link()), "password", NEW_PASSWORD, "confirm", NEW_PASSWORD));
        Mail notice = awaitMail(email, "Ditt lösenord är bytt");
        assertThat(notice.text()).contains("Lösenordet för ditt konto " + email);
    }

    private static void askFor(HttpAgent browser, String email, String kind) {
        HttpResponse<String> form = browser.get("/signin/forgot?email=" + email);
        assertThat(form.statusCode()).isEqualTo(200);
        HttpResponse<String> sent = browser.post("/signin/forgot",
                Map.of("email", email, "kind", kind, "captcha", CaptchaSolver.solve(browser)));
        assertThat(sent.statusCode()).isEqualTo(200);
        assertThat(sent.body()).doesNotContain("role=\"alert\"");
    }

    /** The mail with this subject to this address, once the server has sent it (it sends off the request path). */
    private static Mail awaitMail(String to, String subject) throws Exception {
        long until = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < until) {
            for (MimeMessage message : SMTP.getReceivedMessagesForDomain(to)) {
                if (subject.equals(message.getSubject())
                        && Arrays.stream(message.getAllRecipients()).anyMatch(r -> r.toString().equals(to))) {
                    return Mail.of(message);
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no mail \"" + subject + "\" reached " + to);
    }

    private static String token(String link) {
        return link.substring(link.indexOf("token=") + 6);
    }

    /** What a mail client shows of a received message: its sender, and its text and HTML alternatives. */
    private record Mail(String from, String text, String html) {

        static Mail of(MimeMessage message) throws MessagingException, IOException {
            assertThat(message.getContentType()).startsWith("multipart/");
            List<Part> leaves = new ArrayList<>();
            collect(message, leaves);
            String text = null;
            String html = null;
            for (Part part : leaves) {
                if (part.isMimeType("text/plain")) {
                    assertThat(text).as("one plain-text part").isNull();
                    assertThat(part.getContentType()).containsIgnoringCase("charset=UTF-8");
                    text = (String) part.getContent();
                } else if (part.isMimeType("text/html")) {
                    assertThat(html).as("one HTML part").isNull();
                    html = (String) part.getContent();
                }
            }
            assertThat(text).as("a plain-text part").isNotNull();
            assertThat(html).as("an HTML part").isNotNull();
            String from = ((jakarta.mail.internet.InternetAddress) message.getFrom()[0]).getAddress();
            return new Mail(from, text, html);
        }

        private static void collect(Part part, List<Part> leaves) throws MessagingException, IOException {
            if (part.isMimeType("multipart/*")) {
                Multipart multipart = (Multipart) part.getContent();
                for (int i = 0; i < multipart.getCount(); i++) {
                    BodyPart child = multipart.getBodyPart(i);
                    collect(child, leaves);
                }
            } else {
                leaves.add(part);
            }
        }

        /** The one recovery link, which the text and the HTML part must both carry. */
        String link() {
            Matcher inText = LINK.matcher(text);
            assertThat(inText.find()).as("a link in the text part").isTrue();
            String link = inText.group();
            assertThat(html).as("the same link in the HTML part").contains(link);
            return link;
        }
    }
}
