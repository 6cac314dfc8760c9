package se.portvakt.signin.password;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;

import se.portvakt.account.EmailAddress;
import se.portvakt.config.PortvaktProperties;

/**
 * "Save my email address for next time": a long-lived cookie that holds only the email address,
 * read by the identify step to fill in the field.
 */
@Component
class RememberedEmailCookie {

    static final String NAME = "PORTVAKT_EMAIL";
    private static final Duration LIFETIME = Duration.ofDays(365);

    private final boolean secure;

    RememberedEmailCookie(PortvaktProperties properties) {
        this.secure = properties.secureCookies();
    }

    Optional<EmailAddress> read(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie cookie : cookies) {
            if (NAME.equals(cookie.getName())) {
                try {
                    return EmailAddress.parse(URLDecoder.decode(cookie.getValue(), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException malformed) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    void remember(HttpServletResponse response, EmailAddress email) {
        write(response, URLEncoder.encode(email.value(), StandardCharsets.UTF_8), LIFETIME);
    }

    void forget(HttpServletResponse response) {
        write(response, "", Duration.ZERO);
    }

    private void write(HttpServletResponse response, String value, Duration maxAge) {
        ResponseCookie cookie = ResponseCookie.from(NAME, value)
                .path("/signin")
                .maxAge(maxAge)
                .httpOnly(true)
                .secure(secure)
                .sameSite("Lax")
                .build();
        response.addHeader(HttpHeaders.SET_COOKIE, cookie.toString());
    }
}
