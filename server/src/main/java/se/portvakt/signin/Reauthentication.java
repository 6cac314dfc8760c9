package se.portvakt.signin;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/**
 * A signed-in person confirming who they are before a change on My account (decision 0032): a sign-in flow for the
 * account of the session, which starts at the password (the email is known) and must end with the same account. The
 * session remembers which flow is the confirmation and for whom; a flow that ends with another account (the back
 * arrow, another email) signs the browser out instead of switching it to that account.
 */
public final class Reauthentication {

    /** Where a change page sends the browser, with the change saved in the request cache. */
    public static final String PAGE = "/signin/reauthenticate";

    private static final String ATTRIBUTE = "portvakt.signin.reauthentication";

    private Reauthentication() {}

    /** Notes that the flow {@code flowId} of this session confirms the account {@code accountId}. */
    static void start(HttpSession session, String flowId, String accountId) {
        session.setAttribute(ATTRIBUTE, flowId + ' ' + accountId);
    }

    /** Whether the flow {@code flowId} is a confirmation (its pages say "Confirm it is you"). */
    public static boolean isUnderway(HttpServletRequest request, String flowId) {
        return accountOf(request, flowId).isPresent();
    }

    /** The account the flow {@code flowId} must end with, when it is a confirmation. */
    static Optional<String> accountOf(HttpServletRequest request, String flowId) {
        HttpSession session = request.getSession(false);
        if (session == null || !(session.getAttribute(ATTRIBUTE) instanceof String noted)) {
            return Optional.empty();
        }
        int space = noted.indexOf(' ');
        return noted.substring(0, space).equals(flowId) ? Optional.of(noted.substring(space + 1)) : Optional.empty();
    }

    /** The confirmation ended (passed or refused). */
    static void end(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.removeAttribute(ATTRIBUTE);
        }
    }
}
