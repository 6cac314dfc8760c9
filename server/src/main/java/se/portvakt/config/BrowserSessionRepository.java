package se.portvakt.config;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;

/**
 * The browser sessions: Spring Session's JDBC repository with less database work per request (issue 14, decision
 * 0047). Spring Session keeps the rows, the ids, the expiry and the principal index; this adds two things.
 *
 * <p><b>One read per request.</b> {@code SessionRepositoryFilter} commits the session when the response is committed
 * and again when the request ends, and each commit clears its cached copy and reads the requested session again.
 * Within one request ({@link #requestScope()}) a read of a session this request saved is answered by that session,
 * and a read of an id this request changed or deleted by "none". Never across requests: another node may have changed
 * or ended the session since.
 *
 * <p><b>The last access written at most once a minute.</b> A request that changes nothing of the session's row but its
 * last access does not write it while the stored last access is less than {@link #LAST_ACCESS_WRITTEN_EVERY} old; when
 * the row is written anyway (a new session, a new id, the signed-in person), the last access goes with it. The idle timeout then counts from a last access at most a minute early:
 * a session ends between 29 and 30 minutes after its last request (at a 30-minute timeout), never later. Attribute
 * changes are written as before, in one transaction.
 *
 * <p><b>A replaced session ends with its replacement's save</b> (decision 0060). At sign-in the session gets a new id
 * as a new row ({@link BrowserSessionRenewal}); the old row's deletion waits for the new row's save at the end of the
 * same request, and both commit in one transaction, in place of a transaction each.
 *
 * <p><b>Saved with the step that changed it</b> (decision 0066). Spring Session saves a session when the response is
 * committed, in a transaction of its own; a sign-in step that runs in one transaction saves this request's session in
 * that transaction just before it commits ({@link #saveWithin}), so that the session made at the password, or signed in
 * at the last step, commits with the step's writes or not at all. Spring Session's own save then finds nothing left to
 * write.
 */
final class BrowserSessionRepository implements FindByIndexNameSessionRepository<BrowserSessionRepository.BrowserSession> {

    /** How stale the stored last access may be before a request writes it. */
    static final Duration LAST_ACCESS_WRITTEN_EVERY = Duration.ofMinutes(1);

    /**
     * The attributes on which Spring Session writes the session's row anyway (its principal index): setting one
     * writes the last access with it, at no extra cost.
     */
    private static final Set<String> WRITTEN_WITH_THE_ROW = Set.of(PRINCIPAL_NAME_INDEX_NAME,
            HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);

    private final FindByIndexNameSessionRepository<Session> stored;
    private final BrowserSessionTransactions transactions;

    /** The current request and what it saved: only inside {@link #requestScope()}. */
    private final ThreadLocal<ThisRequest> thisRequest = new ThreadLocal<>();

    /**
     * One request: the sessions it saved (by id), and the ids it changed or deleted (null); the ids of sessions it
     * replaces, whose deletion waits for the next save ({@code replacing}), and those whose deletion waits now; the
     * sessions it made or read, by id, for {@link #saveWithin}.
     */
    private record ThisRequest(Map<String, BrowserSession> saved, Set<String> replacing, List<String> toDelete,
            Map<String, BrowserSession> inUse) {}

    @SuppressWarnings("unchecked")
    BrowserSessionRepository(FindByIndexNameSessionRepository<? extends Session> stored,
            BrowserSessionTransactions transactions) {
        // Spring Session's JDBC repository saves only the sessions it made (its JdbcSession), which are what this
        // class hands back to it.
        this.stored = (FindByIndexNameSessionRepository<Session>) stored;
        this.transactions = transactions;
    }

    @Override
    public BrowserSession createSession() {
        return inUse(new BrowserSession(stored.createSession()));
    }

    @Override
    public void save(BrowserSession session) {
        ThisRequest request = thisRequest.get();
        if (request != null && !request.toDelete().isEmpty()) {
            // Taken off first: should the transaction fail, the old row stays, as it was (it was never signed in).
            List<String> ending = List.copyOf(request.toDelete());
            request.toDelete().clear();
            transactions.together(() -> {
                ending.forEach(stored::deleteById);
                stored.save(session.stored);
                return null;
            });
        } else {
            stored.save(session.stored);
        }
        if (request != null) {
            if (!session.idWhenSaved.equals(session.getId())) {
                request.saved().put(session.idWhenSaved, null);
            }
            request.saved().put(session.getId(), session);
        }
        session.idWhenSaved = session.getId();
    }

    @Override
    public BrowserSession findById(String id) {
        ThisRequest request = thisRequest.get();
        if (request != null && request.saved().containsKey(id)) {
            BrowserSession session = request.saved().get(id);
            return session == null || session.isExpired() ? null : session;
        }
        Session found = stored.findById(id);
        return found == null ? null : inUse(new BrowserSession(found));
    }

    /**
     * Saves the session {@code id} that this request made or read, with a replaced session's deletion, in the
     * transaction the caller has open: they commit with the caller's writes, or neither does. Nothing when this request
     * has no such session (or runs outside {@link #requestScope()}); what the request changes afterwards is saved when
     * it ends, as before.
     */
    void saveWithin(String id) {
        ThisRequest request = thisRequest.get();
        // By its id now: a session whose id changed in this request is found under the new one.
        BrowserSession session = request == null ? null : request.inUse().values().stream()
                .filter(inUse -> inUse.getId().equals(id)).findFirst().orElse(null);
        if (session != null) {
            transactions.within(() -> {
                save(session);
                return null;
            });
        }
    }

    /** See {@link BrowserSessionTransactions#joinsOpen}. */
    Runnable joinsOpenTransactions() {
        return transactions.joinsOpen();
    }

    private BrowserSession inUse(BrowserSession session) {
        ThisRequest request = thisRequest.get();
        if (request != null) {
            request.inUse().put(session.getId(), session);
        }
        return session;
    }

    @Override
    public void deleteById(String id) {
        ThisRequest request = thisRequest.get();
        if (request != null && request.replacing().remove(id)) {
            request.toDelete().add(id);
        } else {
            stored.deleteById(id);
        }
        if (request != null) {
            request.saved().put(id, null);
        }
    }

    /**
     * The session {@code id} is about to be replaced by a new one in this request: its deletion waits for the next
     * save, which is the replacement's at the latest when the request ends. Outside a request scope it is deleted at
     * once, as any other.
     */
    void replacing(String id) {
        ThisRequest request = thisRequest.get();
        if (request != null) {
            request.replacing().add(id);
        }
    }

    @Override
    public Map<String, BrowserSession> findByIndexNameAndIndexValue(String indexName, String indexValue) {
        Map<String, BrowserSession> found = new LinkedHashMap<>();
        stored.findByIndexNameAndIndexValue(indexName, indexValue)
                .forEach((id, session) -> found.put(id, new BrowserSession(session)));
        return found;
    }

    /**
     * The filter that bounds one request for {@link #findById}: placed around Spring Session's filter, so that what a
     * request saved is forgotten when it ends.
     */
    Filter requestScope() {
        return (ServletRequest request, ServletResponse response, FilterChain chain) -> {
            if (thisRequest.get() != null) {
                chain.doFilter(request, response); // a forward or include inside the request
                return;
            }
            ThisRequest scope = new ThisRequest(new HashMap<>(), new HashSet<>(), new ArrayList<>(), new HashMap<>());
            thisRequest.set(scope);
            try {
                chain.doFilter(request, response);
            } finally {
                thisRequest.remove();
                // A replaced session whose replacement was never saved (none in this code): not left behind.
                scope.toDelete().forEach(stored::deleteById);
            }
        };
    }

    /**
     * A browser session as Spring Session stores it, whose last access reaches the store only when it moved a minute
     * or more, or with the session's row.
     */
    static final class BrowserSession implements Session {

        private final Session stored;
        private Instant lastAccessed;
        private String idWhenSaved;

        private BrowserSession(Session stored) {
            this.stored = stored;
            this.lastAccessed = stored.getLastAccessedTime();
            this.idWhenSaved = stored.getId();
        }

        @Override
        public String getId() {
            return stored.getId();
        }

        @Override
        public String changeSessionId() {
            withTheRow();
            return stored.changeSessionId();
        }

        @Override
        public <T> T getAttribute(String attributeName) {
            return stored.getAttribute(attributeName);
        }

        @Override
        public Set<String> getAttributeNames() {
            return stored.getAttributeNames();
        }

        @Override
        public void setAttribute(String attributeName, Object attributeValue) {
            if (WRITTEN_WITH_THE_ROW.contains(attributeName)) {
                withTheRow();
            }
            stored.setAttribute(attributeName, attributeValue);
        }

        @Override
        public void removeAttribute(String attributeName) {
            if (WRITTEN_WITH_THE_ROW.contains(attributeName)) {
                withTheRow();
            }
            stored.removeAttribute(attributeName);
        }

        @Override
        public Instant getCreationTime() {
            return stored.getCreationTime();
        }

        /** The last access as the request sees it; the store gets it when it is a minute or more past the stored one. */
        @Override
        public void setLastAccessedTime(Instant lastAccessedTime) {
            this.lastAccessed = lastAccessedTime;
            if (Duration.between(stored.getLastAccessedTime(), lastAccessedTime)
                    .compareTo(LAST_ACCESS_WRITTEN_EVERY) >= 0) {
                stored.setLastAccessedTime(lastAccessedTime);
            }
        }

        @Override
        public Instant getLastAccessedTime() {
            return lastAccessed;
        }

        @Override
        public void setMaxInactiveInterval(Duration interval) {
            withTheRow();
            stored.setMaxInactiveInterval(interval);
        }

        @Override
        public Duration getMaxInactiveInterval() {
            return stored.getMaxInactiveInterval();
        }

        /** Expired as stored: by the idle timeout from the stored last access, as the database's expiry says. */
        @Override
        public boolean isExpired() {
            return stored.isExpired();
        }

        /** The row is written anyway: the last access goes with it. */
        void withTheRow() {
            if (!stored.getLastAccessedTime().equals(lastAccessed)) {
                stored.setLastAccessedTime(lastAccessed);
            }
        }
    }
}
