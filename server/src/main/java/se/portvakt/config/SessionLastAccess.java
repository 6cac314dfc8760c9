package se.portvakt.config;

import jakarta.servlet.http.HttpServletRequest;

/**
 * A request whose browser session must have its last access stored exactly, not to the minute (decision 0047): the
 * authorization endpoint's, when it gives an OpenID code, since the ID token's {@code sid} names the account's most
 * recently used session.
 */
public final class SessionLastAccess {

    /** The request attribute that asks for it. */
    static final String WRITTEN = SessionLastAccess.class.getName() + ".written";

    private SessionLastAccess() {}

    /** Stores the last access of this request's session when the request ends (with the session's row). */
    public static void writtenWith(HttpServletRequest request) {
        request.setAttribute(WRITTEN, Boolean.TRUE);
    }
}
