package se.portvakt.myaccount;

import java.util.List;
import java.util.Optional;

/**
 * The browser and operating system a User-Agent header names, in the words a person knows ("Chrome", "Windows"), for
 * "Chrome on Windows". A small reading of the tokens the common browsers send, not a database of every device: what
 * it does not recognise stays unnamed rather than guessed. Order matters, as browsers borrow each other's tokens (Edge
 * and Opera say "Chrome", Chrome says "Safari", an iPhone says "like Mac OS X").
 *
 * @param browser the browser's name, or null when not recognised
 * @param system the operating system's name, or null when not recognised
 */
record BrowserAndSystem(String browser, String system) {

    private record Token(String token, String name) {}

    private static final List<Token> BROWSERS = List.of(
            new Token("Edg/", "Edge"), new Token("EdgA/", "Edge"), new Token("EdgiOS/", "Edge"),
            new Token("OPR/", "Opera"), new Token("OPiOS/", "Opera"),
            new Token("SamsungBrowser/", "Samsung Internet"),
            new Token("Firefox/", "Firefox"), new Token("FxiOS/", "Firefox"),
            new Token("CriOS/", "Chrome"), new Token("Chrome/", "Chrome"),
            new Token("Version/", "Safari"));

    private static final List<Token> SYSTEMS = List.of(
            new Token("Windows", "Windows"),
            new Token("iPhone", "iOS"), new Token("iPod", "iOS"), new Token("iPad", "iPadOS"),
            new Token("CrOS", "ChromeOS"),
            new Token("Android", "Android"),
            new Token("Macintosh", "macOS"), new Token("Mac OS X", "macOS"),
            new Token("Linux", "Linux"));

    /** What {@code userAgent} names (both null for a missing or unknown header). */
    static BrowserAndSystem of(String userAgent) {
        if (userAgent == null) {
            return new BrowserAndSystem(null, null);
        }
        String browser = first(BROWSERS, userAgent).orElse(null);
        if ("Safari".equals(browser) && !userAgent.contains("Safari/")) {
            browser = null; // "Version/" without "Safari/" is some other program
        }
        return new BrowserAndSystem(browser, first(SYSTEMS, userAgent).orElse(null));
    }

    private static Optional<String> first(List<Token> tokens, String userAgent) {
        return tokens.stream().filter(t -> userAgent.contains(t.token())).map(Token::name).findFirst();
    }

    /** The message key that says this (with {@link #arguments()}): both names, one of them, or neither. */
    String messageKey() {
        return browser != null && system != null ? "account.device.both"
                : browser != null ? "account.device.browser"
                : system != null ? "account.device.system" : "account.device.unknown";
    }

    /** The names the message of {@link #messageKey()} fills in. */
    Object[] arguments() {
        return browser != null && system != null ? new Object[] {browser, system}
                : browser != null ? new Object[] {browser}
                : system != null ? new Object[] {system} : new Object[0];
    }
}
