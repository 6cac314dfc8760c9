package se.portvakt.config;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;

/**
 * A new browser session in place of the request's own, with what the old one held (session fixation: an id planted
 * before the sign-in is worth nothing after it; a session made when the sign-in's last factor passed is kept instead,
 * decision 0067). A new row, not Spring Session's {@code changeSessionId}: its row
 * keeps its primary key, and a request of the old session still in flight (the same form sent twice) would write the
 * old id back when it ends, since Spring Session's update sets the session id by primary key. The old row is deleted
 * together with the new row's insert when the request's session is saved, in one transaction (decision 0060: the
 * sign-in step's own, decision 0066), so the renewal itself touches no database.
 */
@Component
public final class BrowserSessionRenewal {

    private final BrowserSessionRepository sessions;

    BrowserSessionRenewal(FindByIndexNameSessionRepository<? extends Session> sessions) {
        if (!(sessions instanceof BrowserSessionRepository browserSessions)) {
            throw new IllegalStateException("Spring Session's repository is not wrapped: " + sessions.getClass());
        }
        this.sessions = browserSessions;
    }

    /** Gives the request a new session holding the old one's attributes but {@code leftBehind}; returns it. */
    public HttpSession renew(HttpServletRequest request, Set<String> leftBehind) {
        HttpSession old = request.getSession(false);
        if (old == null) {
            // A browser signed in before it had a session (decision 0065): nothing planted, nothing to carry over.
            return request.getSession(true);
        }
        Map<String, Object> kept = new HashMap<>();
        for (String name : Collections.list(old.getAttributeNames())) {
            if (!leftBehind.contains(name)) {
                kept.put(name, old.getAttribute(name));
            }
        }
        sessions.replacing(old.getId());
        old.invalidate();
        HttpSession renewed = request.getSession(true);
        kept.forEach(renewed::setAttribute);
        return renewed;
    }
}
