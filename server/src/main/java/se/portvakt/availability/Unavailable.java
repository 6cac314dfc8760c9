package se.portvakt.availability;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.i18n.AcceptHeaderLocaleResolver;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.WebContext;
import org.thymeleaf.web.servlet.JakartaServletWebApplication;

/**
 * The answer while this node cannot serve a request (its bootstrap file is not applied yet, or the database cannot be
 * reached): HTTP 503 with {@code Retry-After}, as a calm page for a person's browser, or as an RFC 6749 error
 * ({@code temporarily_unavailable}) in JSON for the protocol endpoints that programs call.
 *
 * <p>It is made without the database and without the HTTP session (which lives in the database): the page's
 * language is the browser's, and the page has no form. The authorization endpoint gets the page, not a redirect
 * with the error to the application: the redirect URI cannot be checked while the client's row cannot be read
 * (decision 0029).
 */
@Component
class Unavailable {

    /** The paths of the endpoints that programs call and that answer in JSON. */
    private static final List<String> JSON_PREFIXES = List.of("/oauth2/", "/userinfo", "/connect/register",
            "/.well-known/", "/captcha/", "/authenticator/api/", "/actuator/");
    /** Endpoints under those prefixes that a browser is sent to: they get the page. */
    private static final List<String> BROWSER_PATHS = List.of("/oauth2/authorize");

    private final ITemplateEngine templates;
    private final AcceptHeaderLocaleResolver languages = new AcceptHeaderLocaleResolver();

    Unavailable(ITemplateEngine templates) {
        this.templates = templates;
        languages.setSupportedLocales(List.of(Locale.forLanguageTag("sv"), Locale.ENGLISH));
        languages.setDefaultLocale(Locale.ENGLISH);
    }

    /** Answers 503, asking the caller to try again after {@code retryAfter}. */
    void answer(HttpServletRequest request, HttpServletResponse response, Duration retryAfter) throws IOException {
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Retry-After", String.valueOf(Math.max(1, retryAfter.toSeconds())));
        response.setHeader("Cache-Control", "no-store");
        if (isForPrograms(request)) {
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.getWriter().write("{\"error\":\"temporarily_unavailable\",\"error_description\":"
                    + "\"The server is starting or cannot reach its database. Try again in a moment.\"}");
            return;
        }
        response.setContentType(MediaType.TEXT_HTML_VALUE);
        response.setCharacterEncoding("UTF-8");
        // The same security headers as every page: this answer may come before Spring Security's filters run.
        response.setHeader("Content-Security-Policy", se.portvakt.config.SecurityHeaders.CONTENT_SECURITY_POLICY);
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Content-Type-Options", "nosniff");
        var exchange = JakartaServletWebApplication.buildApplication(request.getServletContext())
                .buildExchange(request, response);
        var context = new WebContext(exchange, languages.resolveLocale(request), Map.of("again", again(request)));
        templates.process("unavailable", context, response.getWriter());
    }

    /**
     * The same request again, for "Try again": only a GET, and only a path on this server (this answer may come
     * before Spring Security's firewall, so {@code //elsewhere} is refused here); empty for none.
     */
    static String again(HttpServletRequest request) {
        String path = request.getRequestURI();
        if (!"GET".equals(request.getMethod()) || !path.startsWith("/") || path.startsWith("//") || path.contains("\\")) {
            return "";
        }
        return path + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
    }

    static boolean isForPrograms(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return JSON_PREFIXES.stream().anyMatch(path::startsWith) && !BROWSER_PATHS.contains(path);
    }
}
