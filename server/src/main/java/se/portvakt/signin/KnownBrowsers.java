package se.portvakt.signin;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import se.portvakt.config.PortvaktProperties;
import se.portvakt.factor.Sha256;
import se.portvakt.housekeeping.Purge;

/**
 * The browser in which an account last signed in: at every completed sign-in the browser gets a new random mark
 * (256 bits in an HttpOnly cookie), whose SHA-256 is stored with the account id for 90 days. Recovery by email
 * serves the owner's own browser past the limits that strangers can use up (decision 0015).
 */
@Component
public class KnownBrowsers implements Purge {

    static final String COOKIE = "PORTVAKT_BROWSER";
    private static final Duration LIFETIME = Duration.ofDays(90);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final boolean secure;

    KnownBrowsers(JdbcClient jdbc, PortvaktProperties properties) {
        this.jdbc = jdbc;
        this.secure = properties.secureCookies();
    }

    /**
     * The mark this browser carries, when it is well formed; not checked against the database, so that reading
     * it costs the same for everyone.
     */
    public Optional<String> presented(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        return cookies == null ? Optional.empty() : Arrays.stream(cookies)
                .filter(c -> COOKIE.equals(c.getName()) && wellFormed(c.getValue()))
                .map(Cookie::getValue)
                .findFirst();
    }

    /** The account that last signed in with this mark, while the mark lasts. */
    public Optional<String> accountOf(String mark) {
        return jdbc.sql("SELECT account_id FROM known_browser WHERE mark_hash = :hash AND expires_at > :now")
                .param("hash", Sha256.hex(mark))
                .param("now", utc(Instant.now()))
                .query(String.class)
                .optional();
    }

    /**
     * Marks the browser as the one in which the account last signed in. The browser's earlier mark is forgotten,
     * so a browser is known for one account only, and a copied cookie stops working at the next sign-in.
     */
    void mark(HttpServletRequest request, HttpServletResponse response, String accountId) {
        presented(request).ifPresent(old -> jdbc.sql("DELETE FROM known_browser WHERE mark_hash = :hash")
                .param("hash", Sha256.hex(old))
                .update());
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String mark = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        jdbc.sql("""
                INSERT INTO known_browser (mark_hash, account_id, expires_at)
                VALUES (:hash, :account, :expires)
                """)
                .param("hash", Sha256.hex(mark))
                .param("account", accountId)
                .param("expires", utc(Instant.now().plus(LIFETIME)))
                .update();
        // Path "/": sign-in completes on several paths (password, second factor, email link), and a cookie's
        // path must cover the page that sets it for some clients.
        response.addHeader(HttpHeaders.SET_COOKIE, ResponseCookie.from(COOKIE, mark)
                .path("/")
                .maxAge(LIFETIME)
                .httpOnly(true)
                .secure(secure)
                .sameSite("Lax")
                .build()
                .toString());
    }

    @Override
    public String name() {
        return "known-browsers";
    }

    /** Browsers whose mark expired. */
    @Override
    public int purgeBatch(Instant now, int batchSize) {
        return jdbc.sql("""
                DELETE FROM known_browser WHERE mark_hash IN
                    (SELECT mark_hash FROM known_browser WHERE expires_at < :now FETCH FIRST :batch ROWS ONLY)
                """)
                .param("now", utc(now))
                .param("batch", batchSize)
                .update();
    }

    private static boolean wellFormed(String mark) {
        return mark != null && mark.length() == 43 && mark.chars().allMatch(KnownBrowsers::base64Url);
    }

    private static boolean base64Url(int c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
