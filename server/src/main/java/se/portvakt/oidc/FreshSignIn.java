package se.portvakt.oidc;

import java.io.Serial;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.http.HttpSession;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.util.StringUtils;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The authorization request parameters that ask how the person signs in, checked where Spring checks the request
 * (after its redirect_uri and scope checks, so an error only ever goes to a registered redirect_uri):
 * {@code prompt=login} and {@code max_age} send a signed-in person through the whole sign-in again (OpenID Connect
 * Core 3.1.2.1), {@code prompt=none} turns that, and the absence of a session, into {@code login_required}.
 * Spring Authorization Server's provider has a {@code login_required} for {@code prompt=none}, but with this
 * endpoint's configuration a browser without a session was sent to the sign-in (tested); it honours neither
 * {@code login} nor {@code max_age}, rejects {@code none} only with three of the other values, and fails on a
 * repeated {@code prompt}; hence this.
 *
 * <p>A person sent to sign in again comes back to the same request, still saying {@code prompt=login}: the session
 * remembers when a fresh sign-in was asked for, and a sign-in after that moment is the fresh one.
 */
final class FreshSignIn {

    /** Where a person signs in again: the whole journey, from the email. */
    static final String SIGN_IN_PAGE = "/signin";

    /** The parameters a request may carry at most once whose values this server reads (RFC 6749 3.1). */
    private static final List<String> SINGLE = List.of("prompt", "max_age", "login_hint", "ui_locales", "acr_values",
            "id_token_hint", "nonce", "display", "claims_locales");
    private static final String ASKED_AT = "portvakt.oidc.fresh-sign-in-asked-at";
    private static final String LOGIN_REQUIRED = "login_required";

    private FreshSignIn() {}

    /** Malformed parameters: {@code invalid_request} to the application, before Spring reads them. */
    static void checkParameters(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
        OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
        for (String name : SINGLE) {
            Object value = request.getAdditionalParameters().get(name);
            if (value != null && !(value instanceof String)) {
                throw refused(context, OAuth2ErrorCodes.INVALID_REQUEST, "The parameter " + name + " is repeated.");
            }
        }
        List<String> prompt = prompt(request);
        if (prompt.contains("none") && prompt.size() > 1) {
            throw refused(context, OAuth2ErrorCodes.INVALID_REQUEST, "prompt=none cannot be combined with other values.");
        }
        Object maxAge = request.getAdditionalParameters().get("max_age");
        if (maxAge != null && !((String) maxAge).matches("[0-9]{1,10}")) {
            throw refused(context, OAuth2ErrorCodes.INVALID_REQUEST, "max_age must be a number of seconds.");
        }
    }

    /**
     * A signed-in person whose sign-in is older than the request accepts signs in again (or, with prompt=none, the
     * application hears {@code login_required}); a person not signed in is about to sign in, which is fresh.
     */
    static void check(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
        OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
        List<String> prompt = prompt(request);
        Optional<Long> maxAge = maxAge(request);
        boolean signedIn = request.getPrincipal() instanceof Authentication person && signedIn(person);
        if (!signedIn && prompt.contains("none")) {
            throw refused(context, LOGIN_REQUIRED, "Nobody is signed in.");
        }
        if (!prompt.contains("login") && maxAge.isEmpty()) {
            return;
        }
        HttpSession session = session();
        Instant now = Instant.now();
        if (!(request.getPrincipal() instanceof Authentication person) || !signedIn) {
            session.setAttribute(ASKED_AT, now.toEpochMilli());
            return; // the sign-in comes first, and this check again after it
        }
        AuthenticationMethods methods = new AuthenticationMethods(person);
        Instant authTime = methods.isPresent() ? methods.authTime() : Instant.EPOCH;
        if (session.getAttribute(ASKED_AT) instanceof Long askedAt && authTime.toEpochMilli() >= askedAt) {
            session.removeAttribute(ASKED_AT); // signed in since this request asked: the fresh sign-in
            return;
        }
        boolean tooOld = prompt.contains("login")
                || maxAge.filter(seconds -> authTime.plusSeconds(seconds).isBefore(now)).isPresent();
        if (!tooOld) {
            return;
        }
        if (prompt.contains("none")) {
            throw refused(context, LOGIN_REQUIRED, "The application asks for a sign-in more recent than this one.");
        }
        session.setAttribute(ASKED_AT, now.toEpochMilli());
        throw new Required(new OAuth2Error(LOGIN_REQUIRED, "Sign in again.", null), MissingFactors.answer(context));
    }

    private static List<String> prompt(OAuth2AuthorizationCodeRequestAuthenticationToken request) {
        return request.getScopes().contains(OidcScopes.OPENID)
                && request.getAdditionalParameters().get("prompt") instanceof String prompt
                ? Arrays.stream(prompt.split(" ")).filter(StringUtils::hasText).distinct().toList()
                : List.of();
    }

    private static Optional<Long> maxAge(OAuth2AuthorizationCodeRequestAuthenticationToken request) {
        return request.getScopes().contains(OidcScopes.OPENID)
                && request.getAdditionalParameters().get("max_age") instanceof String seconds
                ? Optional.of(Long.parseLong(seconds)) : Optional.empty();
    }

    private static boolean signedIn(Authentication person) {
        return !(person instanceof AnonymousAuthenticationToken) && person.isAuthenticated();
    }

    private static HttpSession session() {
        return ((ServletRequestAttributes) RequestContextHolder.currentRequestAttributes()).getRequest().getSession();
    }

    private static OAuth2AuthorizationCodeRequestAuthenticationException refused(
            OAuth2AuthorizationCodeRequestAuthenticationContext context, String code, String description) {
        return new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(code, description, null),
                MissingFactors.answer(context));
    }

    /** The sign-in is not fresh enough, and the person may sign in again. */
    static final class Required extends OAuth2AuthorizationCodeRequestAuthenticationException {

        @Serial
        private static final long serialVersionUID = 1L;

        Required(OAuth2Error error, OAuth2AuthorizationCodeRequestAuthenticationToken request) {
            super(error, request);
        }
    }
}
