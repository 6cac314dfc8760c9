package se.portvakt.config;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;

/**
 * The browser session's statements in the caller's transaction (decision 0066), for a sign-in step whose writes and
 * session must commit together, and which should cost one transaction: the session made when the password passed, or
 * signed in at the last step (with the replaced session's end), is saved in the step's transaction; and the session of
 * a step's request is read in it. Spring Session would read it, and save it when the response is committed, in a
 * transaction of its own each.
 */
@Component
public final class BrowserSessionSave {

    private final BrowserSessionRepository sessions;

    BrowserSessionSave(FindByIndexNameSessionRepository<? extends Session> sessions) {
        if (!(sessions instanceof BrowserSessionRepository browserSessions)) {
            throw new IllegalStateException("Spring Session's repository is not wrapped: " + sessions.getClass());
        }
        this.sessions = browserSessions;
    }

    /**
     * From now until the returned end is run, on this thread, the session's reads, saves and deletions join the
     * transaction open at the time; with none open each has its own, as before.
     */
    public Runnable joinOpenTransactions() {
        return sessions.joinsOpenTransactions();
    }

    /** Saves what this request changed of its session so far, in the caller's open transaction, which must exist. */
    public void withinOpenTransaction(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            sessions.saveWithin(session.getId());
        }
    }
}
