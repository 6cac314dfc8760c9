package se.portvakt.signin;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.session.Session;

/**
 * Which sign-in began this browser session: the id of its {@code signin} audit event, kept in the session, so that
 * My account can tell "this sign-in" from the one before it. A later sign-in of the same person in the same session
 * (a step-up to the second factor, {@code prompt=login}) continues the session and keeps the first one.
 */
public final class SessionSignIn {

    static final String ATTRIBUTE = "portvakt.signin.event";

    private SessionSignIn() {}

    /** The audit event id of the sign-in that began this session; empty for a session signed in before it was kept. */
    public static Optional<Long> eventOf(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        return session != null && session.getAttribute(ATTRIBUTE) instanceof Long id ? Optional.of(id)
                : Optional.empty();
    }

    /** The same for a session read from the store (My account's list of the person's sessions). */
    public static Optional<Long> eventOf(Session session) {
        return session.getAttribute(ATTRIBUTE) instanceof Long id ? Optional.of(id) : Optional.empty();
    }

    /** Notes the sign-in that begins this session, unless the session already has one and {@code continued} is true. */
    static void note(HttpServletRequest request, long eventId, boolean continued) {
        if (!continued || eventOf(request).isEmpty()) {
            request.getSession().setAttribute(ATTRIBUTE, eventId);
        }
    }
}
