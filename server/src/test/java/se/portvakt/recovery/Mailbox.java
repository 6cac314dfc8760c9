package se.portvakt.recovery;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.testing.CaptchaSolver;
import se.portvakt.testing.HttpAgent;

/**
 * What a person does with their inbox in the recovery tests: asks for a link on the recovery screen, waits for
 * the mail in the development outbox, and takes the link out of it. Also reads the audit rows of an address.
 */
final class Mailbox {

    static final String RESET = "/recovery/reset";
    static final String SIGNIN_LINK = "/recovery/link";

    private static final Pattern LINK = Pattern.compile("(http://localhost:\\d+/recovery/(reset|link)\\?token=[A-Za-z0-9_-]+)");

    private final JdbcClient jdbc;

    Mailbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Asks for a link on the recovery screen ("reset" or "link"), with a solved CAPTCHA. */
    static HttpResponse<String> ask(HttpAgent browser, String email, String kind) {
        browser.get("/signin/forgot");
        return browser.post("/signin/forgot", Map.of("email", email, "kind", kind, "captcha", CaptchaSolver.solve(browser)));
    }

    /** Asks for a link and waits for the mail that carries it. */
    String askAndAwait(HttpAgent browser, String email, String kind) {
        int before = mails(email).size();
        HttpResponse<String> sent = ask(browser, email, kind);
        if (sent.statusCode() != 200 || !sent.body().contains("Please check your email")) {
            throw new AssertionError("asking for a link failed: " + sent.statusCode() + "\n" + sent.body());
        }
        String path = kind.equals("reset") ? RESET : SIGNIN_LINK;
        Instant until = Instant.now().plus(Duration.ofSeconds(15));
        while (Instant.now().isBefore(until)) {
            List<String> texts = mails(email);
            if (texts.size() > before) {
                Matcher m = LINK.matcher(texts.get(texts.size() - 1));
                if (m.find() && m.group(1).contains(path)) {
                    return m.group(1);
                }
            }
            pause(50);
        }
        throw new AssertionError("no mail with a " + path + " link reached " + email);
    }

    /** The plain-text bodies of every mail sent to the address, oldest first. */
    List<String> mails(String email) {
        return jdbc.sql("SELECT text_body FROM dev_outbox WHERE recipient = :r ORDER BY id")
                .param("r", email).query(String.class).list();
    }

    /** The subjects of every mail sent to the address, oldest first. */
    List<String> subjects(String email) {
        return jdbc.sql("SELECT subject FROM dev_outbox WHERE recipient = :r ORDER BY id")
                .param("r", email).query(String.class).list();
    }

    /** Waits until the address has received {@code count} mails, and returns their bodies. */
    List<String> awaitMails(String email, int count) {
        Instant until = Instant.now().plus(Duration.ofSeconds(15));
        while (Instant.now().isBefore(until)) {
            List<String> texts = mails(email);
            if (texts.size() >= count) {
                return texts;
            }
            pause(50);
        }
        throw new AssertionError(email + " did not receive " + count + " mails: " + mails(email).size());
    }

    /** "type outcome" of each audit row about the email address, oldest first. */
    List<String> audit(String email) {
        return jdbc.sql("SELECT event_type, outcome FROM audit_event WHERE email = :e ORDER BY id")
                .param("e", email).query((rs, row) -> rs.getString(1) + " " + rs.getString(2)).list();
    }

    /** "type outcome" of each audit row from the client address, oldest first. */
    List<String> auditFrom(String address) {
        return jdbc.sql("SELECT event_type, outcome FROM audit_event WHERE address = :a ORDER BY id")
                .param("a", address).query((rs, row) -> rs.getString(1) + " " + rs.getString(2)).list();
    }

    /** Waits for an audit row about the address that the background work writes last. */
    List<String> awaitAudit(String email, String row) {
        Instant until = Instant.now().plus(Duration.ofSeconds(15));
        while (Instant.now().isBefore(until)) {
            List<String> rows = audit(email);
            if (rows.contains(row)) {
                return rows;
            }
            pause(50);
        }
        throw new AssertionError("no audit row '" + row + "' for " + email + ": " + audit(email));
    }

    /** The first recovery link in a mail's text. */
    static String linkIn(String text) {
        Matcher m = LINK.matcher(text);
        if (!m.find()) {
            throw new AssertionError("no recovery link in:\n" + text);
        }
        return m.group(1);
    }

    /** The token in a link. */
    static String token(String link) {
        return link.substring(link.indexOf("token=") + 6);
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
