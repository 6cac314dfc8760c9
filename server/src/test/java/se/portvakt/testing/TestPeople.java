package se.portvakt.testing;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.account.EmailAddress;

/**
 * Unique email addresses and client addresses for integration tests, so that attempt limits and audit rows of
 * one test never leak into another test sharing the same started server.
 */
public final class TestPeople {

    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 20));

    private TestPeople() {}

    /** An email address that no account has yet. */
    public static String uniqueEmail(String who) {
        return who + "." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    /** An IPv4 address (in 10.0.0.0/8) that no other test in this JVM acts from. */
    public static String uniqueAddress() {
        int n = NEXT_ADDRESS.incrementAndGet() & 0xFFFFFF;
        return "10." + ((n >> 16) & 0xFF) + "." + ((n >> 8) & 0xFF) + "." + (n & 0xFF);
    }

    /** A browser acting from an address of its own, asking for pages as browsers do. */
    public static HttpAgent browser(String issuer) {
        return new HttpAgent(issuer)
                .header("X-Forwarded-For", uniqueAddress())
                .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    }

    /** A new browser (as {@link #browser}) that opened My account and signed in there with the password. */
    public static HttpAgent signedInAtMyAccount(String issuer, Account person, String password) {
        HttpAgent browser = browser(issuer);
        browser.get(HttpAgent.location(browser.get("/account")));
        browser.post("/signin", Map.of("email", person.email().value()));
        HttpResponse<String> page = browser.follow(browser.post("/signin/password", Map.of("password", password)));
        if (!page.uri().getPath().equals("/account")) {
            throw new AssertionError("expected My account after the sign-in but got " + page.uri() + "\n" + page.body());
        }
        return browser;
    }

    /**
     * A new, verified account with this stored hash (null: no password yet), whose owner was reminded of 2FA
     * recently: its sign-in goes straight back to the application, as the journey says, so tests of other
     * features need not pass the 2FA prompt. {@link #newcomer} is an account that gets the prompt.
     */
    public static Account account(AccountStore accounts, String who, String passwordHash) {
        Account account = newcomer(accounts, who, passwordHash);
        accounts.snoozeTwoFactorPrompt(account.id(), Instant.now().plus(Duration.ofDays(7)));
        return account;
    }

    /** A new, verified account that has never seen the 2FA prompt, so its next sign-in shows it. */
    public static Account newcomer(AccountStore accounts, String who, String passwordHash) {
        return accounts.create(new EmailAddress(uniqueEmail(who)), "Test " + who, true, passwordHash);
    }
}
