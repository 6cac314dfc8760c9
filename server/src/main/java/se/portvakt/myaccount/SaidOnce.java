package se.portvakt.myaccount;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/**
 * A change's confirmation carried in the session to the page the change redirects to, and said there once. Not in
 * the query, where a crafted link could show it without a change; not in a flash map, which the server does not keep
 * ({@code web.NoFlashMaps}).
 */
final class SaidOnce {

    private SaidOnce() {}

    /** Keeps {@code value} for the next {@link #take} of this name in this session. */
    static void put(HttpServletRequest request, String name, Object value) {
        request.getSession().setAttribute(SaidOnce.class.getName() + "." + name, value);
    }

    /** The value kept under this name, now forgotten; null when there is none. */
    static Object take(HttpServletRequest request, String name) {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return null;
        }
        String attribute = SaidOnce.class.getName() + "." + name;
        Object value = session.getAttribute(attribute);
        if (value != null) {
            session.removeAttribute(attribute);
        }
        return value;
    }
}
