package se.portvakt.signin;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.stereotype.Component;

import se.portvakt.account.Account;
import se.portvakt.account.EmailAddress;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.signin.flow.PassedFactor;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.twofactor.TwoFactorRoute;

/**
 * What other features may ask of the sign-in journey: recovery by email reads the email the person typed,
 * remembers which sign-in asked for a link, and continues that sign-in once the link has proven the person.
 */
@Component
public class SignInJourney {

    /** The factor a link sent by email proves (Spring Security's one-time-token factor). */
    public static final String EMAIL_LINK_FACTOR = FactorGrantedAuthority.OTT_AUTHORITY;

    private final BrowserFlows flows;
    private final SignInCompletion completion;
    private final PortvaktProperties properties;
    private final TwoFactorRoute route;

    SignInJourney(BrowserFlows flows, SignInCompletion completion, TwoFactorRoute route,
            PortvaktProperties properties) {
        this.route = route;
        this.flows = flows;
        this.completion = completion;
        this.properties = properties;
    }

    /** The email address given in this browser's sign-in, if there is one in progress. */
    public Optional<EmailAddress> currentEmail(HttpServletRequest request) {
        return flows.current(request).map(SignInFlow::email);
    }

    /** The id of this browser's sign-in in progress, to be resumed when a link from an email is used here. */
    public Optional<String> currentFlowId(HttpServletRequest request) {
        return flows.current(request).map(SignInFlow::id);
    }

    /**
     * The request attribute with the flow this request already read (or began): a flow's application never changes,
     * so the page's brand needs no second read of its row (decision 0045).
     */
    static final String FLOW_READ = "portvakt.signin.flow-read";

    /** The application this browser's sign-in in progress is for, for the audit log and the page's brand. */
    public Optional<String> currentClientId(HttpServletRequest request) {
        if (request.getAttribute(FLOW_READ) instanceof SignInFlow read) {
            return Optional.ofNullable(read.clientId());
        }
        return flows.current(request).map(SignInFlow::clientId);
    }

    /**
     * The person proved themselves by a link from an email: continue the sign-in this browser started, when
     * it is the one that asked for the link ({@code flowId}), else a new one that ends at Portvakt's own page.
     * Returns where to send the browser: the next step, or the application.
     */
    public String continueWithEmailLink(HttpServletRequest request, HttpServletResponse response, Account account,
            String flowId) {
        Instant now = Instant.now();
        Optional<SignInFlow> resumed = flows.current(request).filter(f -> f.id().equals(flowId));
        SignInFlow flow = resumed.orElseGet(() -> new SignInFlow(UUID.randomUUID().toString(), Step.IDENTIFY, null,
                null, null, "/", List.of(), 0, now, now.plus(properties.signin().flowTtl())));
        SignInFlow proven = flow.provenBy(account.email(), account.id(), new PassedFactor(EMAIL_LINK_FACTOR, now),
                Step.DONE);
        // The link is a first factor: a person with 2FA on is asked for the second one next (or the 2FA prompt).
        SignInFlow next = route.afterFirstFactor(proven, new StepContext(request, response));
        // Stored at the step it was read at when done: the completion finishes it from there (once), or keeps it for
        // "Choose a new password" (decision 0034).
        Step readAt = resumed.map(SignInFlow::step).orElse(Step.IDENTIFY);
        SignInFlow stored = next.step() == Step.DONE ? next.atStep(readAt) : next;
        if (resumed.isPresent()) {
            flows.update(request, response, stored);
        } else {
            flows.begin(request, response, stored);
        }
        if (next.step() == Step.DONE) {
            return completion.complete(readAt, next, request, response);
        }
        return next.step().url();
    }
}
