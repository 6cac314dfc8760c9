package se.portvakt.signin;

import java.time.Instant;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInFlowStore;
import se.portvakt.signin.flow.Step;

/**
 * Where this browser's sign-in flow lives (decision 0065). A browser without a session keeps a flow that has proven
 * nothing in a sealed cookie ({@link FlowCookie}): the email and password pages read and move it with no database work
 * and no session. Everything else is stored ({@link SignInFlowStore}) with its id in the session, as before: a flow
 * once a factor has passed (the cookie flow is inserted then, and the browser's session made), and any flow of a
 * browser that has a session already (a signed-in person confirming or stepping up).
 *
 * <p>A stored flow is moved on by conditional statements, so that of two copies of a form sent at once only one
 * counts; a flow in the cookie has no such row before its first factor, and the insert made then is that one
 * statement: its primary key lets one copy through, and the other goes where the first one's answer leads.
 */
@Component
class BrowserFlows {

    /** The session attribute with the id of the browser's stored flow. */
    static final String FLOW_ATTRIBUTE = "portvakt.signin.flow";

    private final SignInFlowStore store;
    private final FlowCookie cookie;
    private final TransactionTemplate savepoint;

    BrowserFlows(SignInFlowStore store, FlowCookie cookie, PlatformTransactionManager transactions) {
        this.store = store;
        this.cookie = cookie;
        this.savepoint = new TransactionTemplate(transactions);
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    }

    /** The browser's flow unless it has expired; remembered for the rest of the request ({@link SignInJourney#FLOW_READ}). */
    Optional<SignInFlow> current(HttpServletRequest request) {
        Optional<String> stored = storedId(request);
        Instant now = Instant.now();
        Optional<SignInFlow> flow = stored.isPresent() ? store.find(stored.get(), now)
                : cookie.flow(request).filter(inCookie -> !inCookie.isExpired(now));
        flow.ifPresent(read -> request.setAttribute(SignInJourney.FLOW_READ, read));
        return flow;
    }

    /** Where the browser's flow was to continue, also after it expired (a stored one until it is purged). */
    Optional<String> continueUrl(HttpServletRequest request) {
        Optional<String> stored = storedId(request);
        return stored.isPresent() ? stored.flatMap(store::continueUrlOf) : cookie.flow(request).map(SignInFlow::continueUrl);
    }

    /** Ends the browser's flow, for a new one: a stored flow is deleted. */
    void end(HttpServletRequest request, HttpServletResponse response) {
        storedId(request).ifPresent(id -> {
            store.delete(id);
            request.getSession().removeAttribute(FLOW_ATTRIBUTE);
        });
        cookie.clear(request, response, FlowCookie.FLOW);
    }

    /**
     * Makes {@code flow} the browser's: in the cookie when the browser has no session and the flow has proven nothing,
     * else stored.
     */
    SignInFlow begin(HttpServletRequest request, HttpServletResponse response, SignInFlow flow) {
        boolean inCookie = request.getSession(false) == null && FlowCookie.fits(flow) && cookie.write(response, flow);
        if (!inCookie) {
            store.insert(flow);
            stored(request, response, flow);
        }
        request.setAttribute(SignInJourney.FLOW_READ, flow);
        return flow;
    }

    /**
     * Stores what a step made of the flow, unless another request moved it on since it was read at {@code readAt}
     * (false: that one's answer stands).
     */
    boolean updateFrom(HttpServletRequest request, HttpServletResponse response, Step readAt, SignInFlow flow) {
        return isStored(request, flow) ? store.updateFrom(readAt, flow) : moveOn(request, response, flow);
    }

    /** Stores what became of the flow, whatever step it is at now. */
    void update(HttpServletRequest request, HttpServletResponse response, SignInFlow flow) {
        if (isStored(request, flow)) {
            store.update(flow);
        } else {
            moveOn(request, response, flow);
        }
    }

    /**
     * Marks the flow finished, once: true for the one request that finishes it. A finished flow stays stored until it
     * expires, so that a copy of the form sent at the same time still finds where the sign-in went.
     */
    boolean finishFrom(HttpServletRequest request, HttpServletResponse response, Step readAt, SignInFlow flow) {
        if (isStored(request, flow)) {
            return store.finishFrom(readAt, flow.id());
        }
        if (!insertedFirst(flow.atStep(Step.DONE))) {
            return false;
        }
        cookie.clear(request, response, FlowCookie.FLOW);
        return true;
    }

    /** The flow with this id, stored or this browser's cookie's, unless it has expired. */
    Optional<SignInFlow> find(HttpServletRequest request, String id) {
        Optional<SignInFlow> stored = store.find(id, Instant.now());
        return stored.isPresent() ? stored : current(request).filter(flow -> flow.id().equals(id));
    }

    /** The id of the flow this browser's session points at (a stored flow), whether or not it has expired. */
    static Optional<String> storedId(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        return session != null && session.getAttribute(FLOW_ATTRIBUTE) instanceof String id ? Optional.of(id) : Optional.empty();
    }

    private static boolean isStored(HttpServletRequest request, SignInFlow flow) {
        return storedId(request).filter(flow.id()::equals).isPresent();
    }

    /**
     * A flow from the cookie after a step: still in the cookie while it has proven nothing; else stored (once: false
     * when a copy of the form stored it first) and the browser's session made to point at it. A session made here,
     * as the flow's factor passed, is noted in the stored flow (decision 0067).
     */
    private boolean moveOn(HttpServletRequest request, HttpServletResponse response, SignInFlow flow) {
        if (FlowCookie.fits(flow) && cookie.write(response, flow)) {
            return true;
        }
        SignInFlow toStore = request.getSession(false) == null ? flow.withSessionMadeNow() : flow;
        if (!insertedFirst(toStore)) {
            return false;
        }
        stored(request, response, toStore);
        return true;
    }

    /** The stored flow is the browser's now: its session points at it, and the cookie's flow (if any) is over. */
    private void stored(HttpServletRequest request, HttpServletResponse response, SignInFlow flow) {
        HttpSession session = request.getSession();
        session.setAttribute(FLOW_ATTRIBUTE, flow.id());
        SignInLocales.choose(session, flow);
        cookie.clear(request, response, FlowCookie.FLOW);
    }

    /**
     * Inserts the flow; false when its id is stored already. A savepoint keeps the step's transaction usable after the
     * refused insert (PostgreSQL ends a transaction at its first failed statement).
     */
    private boolean insertedFirst(SignInFlow flow) {
        try {
            savepoint.executeWithoutResult(status -> store.insert(flow));
            return true;
        } catch (DuplicateKeyException anotherCopyWasFirst) {
            return false;
        }
    }
}
