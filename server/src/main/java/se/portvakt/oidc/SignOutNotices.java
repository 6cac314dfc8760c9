package se.portvakt.oidc;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.oidc.web.authentication.OidcLogoutAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.logout.LogoutHandler;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.stereotype.Component;

/**
 * Every sign-out of a browser session, Portvakt's own ({@code /signout}) and an application's (RP-initiated logout,
 * {@code /connect/logout}), ends the session's tokens and tells its applications ({@link AccountSessions}). Runs
 * before the session is invalidated, while its id, from which the ID tokens' {@code sid} was made, is still known.
 */
@Component
final class SignOutNotices implements LogoutHandler {

    private final AccountSessions sessions;

    SignOutNotices(AccountSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response, Authentication authentication) {
        Authentication person = authentication instanceof OidcLogoutAuthenticationToken logout
                ? (logout.isPrincipalAuthenticated() ? (Authentication) logout.getPrincipal() : null)
                : authentication;
        HttpSession session = request.getSession(false);
        if (person == null || !person.isAuthenticated() || session == null) {
            return;
        }
        sessions.endSession(person.getName(), session.getId(), request.getRemoteAddr());
    }

    /**
     * The end session endpoint's response, as Spring's, with this handler first: Spring's own signs the person out
     * (only when the request came from their signed-in browser) and redirects.
     */
    OidcLogoutAuthenticationSuccessHandler endSessionResponse() {
        var response = new OidcLogoutAuthenticationSuccessHandler();
        var signOut = new SecurityContextLogoutHandler();
        response.setLogoutHandler((request, servletResponse, authentication) -> {
            logout(request, servletResponse, authentication);
            if (authentication instanceof OidcLogoutAuthenticationToken logout && logout.isPrincipalAuthenticated()) {
                signOut.logout(request, servletResponse, (Authentication) logout.getPrincipal());
            }
        });
        return response;
    }
}
