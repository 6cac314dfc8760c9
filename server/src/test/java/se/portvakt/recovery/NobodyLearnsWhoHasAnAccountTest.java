package se.portvakt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.AccountStore;
import se.portvakt.testing.CaptchaSolver;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;

/**
 * "The same page whether or not the address is known" (journey step 3, DESIGN's first security rule): asking
 * for either link answers with the same bytes, the same status and the same time for an address that has an
 * account and one that has not, because the look-up and the mail happen off the request path.
 */
abstract class NobodyLearnsWhoHasAnAccountTest {

    @OnH2
    static class OnEmbeddedDatabase extends NobodyLearnsWhoHasAnAccountTest {}

    @OnPostgres
    static class OnPostgreSql extends NobodyLearnsWhoHasAnAccountTest {}

    /** How far apart the two medians may be: well under one database round trip plus a mail. */
    private static final double MAX_DIFFERENCE_MILLIS = 5.0;
    private static final int WARM_UP_PAIRS = 15;
    private static final int PAIRS_PER_ROUND = 40;
    private static final int ROUNDS = 3;

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    AccountStore accounts;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aKnownAndAnUnknownAddressGetTheSamePageForAResetLink() {
        assertSamePage("reset");
    }

    @Test
    void aKnownAndAnUnknownAddressGetTheSamePageForASignInLink() {
        assertSamePage("link");
    }

    /**
     * Median times of the button alone, known and unknown requests interleaved. The samples are pooled over up
     * to three rounds, so a slow stretch of a shared machine gets outvoted while a real difference (sending
     * the mail on the request path costs 10 ms or more here) stays and fails the test.
     */
    @Test
    void aKnownAndAnUnknownAddressTakeTheSameTime() {
        Mailbox mailbox = new Mailbox(jdbc);
        for (int i = 0; i < WARM_UP_PAIRS; i++) {
            timed(knownEmail(), "reset", mailbox, "recovery.reset.sent success");
            timed(TestPeople.uniqueEmail("unknown"), "reset", mailbox, "recovery.reset.sent no-account");
        }
        List<Long> known = new ArrayList<>();
        List<Long> unknown = new ArrayList<>();
        double difference = Double.MAX_VALUE;
        for (int round = 0; round < ROUNDS && difference > MAX_DIFFERENCE_MILLIS; round++) {
            for (int i = 0; i < PAIRS_PER_ROUND; i++) {
                String kind = i % 4 < 2 ? "reset" : "link";
                String type = kind.equals("reset") ? "recovery.reset.sent" : "recovery.link.sent";
                // Alternate the order so that a slow moment of the machine falls on both sides alike.
                if (i % 2 == 0) {
                    known.add(timed(knownEmail(), kind, mailbox, type + " success"));
                    unknown.add(timed(TestPeople.uniqueEmail("unknown"), kind, mailbox, type + " no-account"));
                } else {
                    unknown.add(timed(TestPeople.uniqueEmail("unknown"), kind, mailbox, type + " no-account"));
                    known.add(timed(knownEmail(), kind, mailbox, type + " success"));
                }
            }
            difference = Math.abs(median(known) - median(unknown)) / 1e6;
        }
        double knownMedian = median(known) / 1e6;
        double unknownMedian = median(unknown) / 1e6;
        System.out.printf("Asking for a link, %d samples each: median %.2f ms for a known address, %.2f ms for an unknown one%n",
                known.size(), knownMedian, unknownMedian);

        assertThat(difference)
                .as("median for a known address %.2f ms, for an unknown one %.2f ms (%d samples each)",
                        knownMedian, unknownMedian, known.size())
                .isLessThanOrEqualTo(MAX_DIFFERENCE_MILLIS);
    }

    private void assertSamePage(String kind) {
        HttpResponse<String> known = ask(knownEmail(), kind);
        HttpResponse<String> unknown = ask(TestPeople.uniqueEmail("unknown"), kind);

        assertThat(unknown.statusCode()).isEqualTo(known.statusCode()).isEqualTo(200);
        assertThat(withoutCsrf(unknown.body())).isEqualTo(withoutCsrf(known.body()));
        assertThat(unknown.headers().firstValue("Content-Type")).isEqualTo(known.headers().firstValue("Content-Type"));
        assertThat(known.body()).contains("Please check your email to set your new password.");
    }

    private HttpResponse<String> ask(String email, String kind) {
        HttpAgent browser = TestPeople.browser(issuer);
        return Mailbox.ask(browser, email, kind);
    }

    /** Nanoseconds for the button alone; the page, the CAPTCHA and the background work are outside the clock. */
    private long timed(String email, String kind, Mailbox mailbox, String lastAuditRow) {
        HttpAgent browser = TestPeople.browser(issuer);
        browser.get("/signin/forgot");
        String captcha = CaptchaSolver.solve(browser);
        Map<String, String> form = Map.of("email", email, "kind", kind, "captcha", captcha);
        long start = System.nanoTime();
        HttpResponse<String> sent = browser.post("/signin/forgot", form);
        long elapsed = System.nanoTime() - start;
        assertThat(sent.statusCode()).isEqualTo(200);
        mailbox.awaitAudit(email, lastAuditRow);
        return elapsed;
    }

    private String knownEmail() {
        return TestPeople.account(accounts, "known", null).email().value();
    }

    private static String withoutCsrf(String page) {
        return page.replaceAll("name=\"_csrf\" value=\"[^\"]*\"", "name=\"_csrf\" value=\"\"");
    }

    private static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }
}
