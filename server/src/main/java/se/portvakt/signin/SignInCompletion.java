package se.portvakt.signin;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfAuthenticationStrategy;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.stereotype.Component;

import se.portvakt.account.AccountStore;
import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.config.BrowserSessionRenewal;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInMetrics;
import se.portvakt.signin.flow.Step;

/**
 * The contract between the journey and the protocol: a finished flow becomes a signed-in browser session
 * (principal = account id, one factor authority per passed factor with its time), and the person goes back
 * to the authorization request that sent them here. The sign-in's audit event keeps the browser's User-Agent, and the
 * session which sign-in began it ({@link SessionSignIn}), for My account.
 */
@Component
class SignInCompletion {

    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();
    private final SecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
    private final CsrfAuthenticationStrategy csrf;
    private final BrowserFlows flows;
    private final AuditLog audit;
    private final SignInMetrics metrics;
    private final KnownBrowsers knownBrowsers;
    private final AccountStore accounts;
    private final BrowserSessionRenewal renewal;

    SignInCompletion(BrowserFlows flows, AuditLog audit, SignInMetrics metrics, CsrfTokenRepository csrfTokens,
            KnownBrowsers knownBrowsers, AccountStore accounts, BrowserSessionRenewal renewal) {
        this.flows = flows;
        this.renewal = renewal;
        this.accounts = accounts;
        this.audit = audit;
        this.metrics = metrics;
        this.knownBrowsers = knownBrowsers;
        this.csrf = new CsrfAuthenticationStrategy(csrfTokens);
    }

    /**
     * Signs the browser in and returns where to send it (the flow stays, finished, until it expires); or, when the account must choose a new password first, keeps
     * the flow (stored) at that step and returns its page. {@code readAt} is the step the flow was read at: only one
     * request finishes a flow (one conditional statement decides); another one that read it at that step too signs
     * nothing in and goes where the first one's answer leads.
     */
    String complete(Step readAt, SignInFlow flow, HttpServletRequest request, HttpServletResponse response) {
        Optional<String> confirming = Reauthentication.accountOf(request, flow.id());
        boolean anotherAccount = confirming.isPresent() && !confirming.get().equals(flow.accountId());
        // The person said a sign-in was not theirs (decision 0034): every factor is passed, but whoever it was may
        // know the password, so a new one is chosen before anything is signed in (NewPasswordStep).
        boolean newPasswordFirst = !anotherAccount && accounts.passwordChangeRequired(flow.accountId());
        boolean first = newPasswordFirst ? flows.updateFrom(request, response, readAt, flow.atStep(Step.NEW_PASSWORD))
                : flows.finishFrom(request, response, readAt, flow);
        if (!first) {
            return flows.find(request, flow.id()).orElse(flow).whereNow();
        }
        Reauthentication.end(request);
        if (anotherAccount) {
            // A confirmation on My account that ended with another account (the back arrow, another email): never a
            // switch of the signed-in person; the browser is signed out, and that account signs in on its own.
            audit.record(new AuditEvent("signin.reauthenticate", "another-account", confirming.get(), null,
                    flow.clientId(), request.getRemoteAddr(), "signed in as another account; signed out"));
            new SecurityContextLogoutHandler().logout(request, response, holder.getContext().getAuthentication());
            return "/signed-out";
        }
        if (newPasswordFirst) {
            return Step.NEW_PASSWORD.url();
        }
        List<GrantedAuthority> factors = flow.passedFactors().stream()
                .map(f -> (GrantedAuthority) FactorGrantedAuthority.withAuthority(f.authority()).issuedAt(f.at()).build())
                .toList();
        var authentication = UsernamePasswordAuthenticationToken.authenticated(flow.accountId(), null, factors);
        Authentication before = holder.getContext().getAuthentication();
        boolean continued = before instanceof UsernamePasswordAuthenticationToken && before.isAuthenticated()
                && flow.accountId().equals(before.getName());
        SecurityContext context = holder.createEmptyContext();
        context.setAuthentication(authentication);
        holder.setContext(context);

        if (flow.sessionMadeAtLastFactor() && BrowserFlows.storedId(request).filter(flow.id()::equals).isPresent()) {
            // The session was made for this flow as its last factor passed: no id planted before can be in it, and
            // whoever holds it could have finished this sign-in anyway; it is signed in as it is (decision 0067).
            request.getSession().removeAttribute(BrowserFlows.FLOW_ATTRIBUTE);
        } else {
            // A new session with what the old one held but the flow (session fixation); the old row ends with the new
            // one's save, which the step's transaction makes just before it commits (decisions 0060 and 0066).
            renewal.renew(request, Set.of(BrowserFlows.FLOW_ATTRIBUTE));
        }
        contexts.saveContext(context, request, response);
        // And a new CSRF token, so a token seen before sign-in (e.g. leaked from a shared page) is worth nothing after it.
        csrf.onAuthentication(authentication, request, response);
        // So that recovery by email can serve this person's own browser past what strangers use up.
        knownBrowsers.mark(request, response, flow.accountId());

        long event = audit.record(new AuditEvent("signin", "success", flow.accountId(), flow.email().value(),
                flow.clientId(), request.getRemoteAddr(), flow.passedFactorNames(), request.getHeader("User-Agent")));
        SessionSignIn.note(request, event, continued);
        if (confirming.isPresent()) {
            audit.record(new AuditEvent("signin.reauthenticate", "success", flow.accountId(), flow.email().value(),
                    flow.clientId(), request.getRemoteAddr(), flow.passedFactorNames()));
        }
        metrics.outcome("success");
        return flow.continueUrl();
    }

}
