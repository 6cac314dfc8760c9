package se.portvakt.signin;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.account.EmailAddress;
import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.signin.flow.PassedFactor;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInStep;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.flow.StepResult;
import se.portvakt.signin.twofactor.TwoFactorRoute;

/**
 * Routes the sign-in pages to their step handlers. It knows the order of nothing: each handler says which
 * step comes next, and this controller stores the flow and follows it.
 */
@Controller
@RequestMapping("/signin")
class SignInController {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<Step, SignInStep> steps = new EnumMap<>(Step.class);
    private final BrowserFlows flows;
    private final SignInCompletion completion;
    private final TwoFactorRoute route;
    private final AccountStore accounts;
    private final AuditLog audit;
    private final StepTransactions transactions;
    private final Duration flowTtl;
    private final RequestCache requestCache;

    SignInController(List<SignInStep> handlers, BrowserFlows flows, SignInCompletion completion, TwoFactorRoute route,
            AccountStore accounts, AuditLog audit, StepTransactions transactions, SignInRequestCache requestCache,
            PortvaktProperties properties) {
        this.requestCache = requestCache;
        handlers.forEach(handler -> steps.put(handler.step(), handler));
        this.transactions = transactions;
        this.flows = flows;
        this.completion = completion;
        this.route = route;
        this.accounts = accounts;
        this.audit = audit;
        this.flowTtl = properties.signin().flowTtl();
    }

    /**
     * Step 1. Also where the back arrow leads: going back to the email is always allowed. A sign-in that starts with
     * an email address as the application's {@code login_hint} starts at the password, as if that address had been
     * typed here (which tells nobody whether it has an account); any other hint is ignored.
     */
    @GetMapping
    String identify(HttpServletRequest request, HttpServletResponse response, Model model) {
        return inStep(Step.IDENTIFY, request, () -> identifyInStep(request, response, model));
    }

    private String identifyInStep(HttpServletRequest request, HttpServletResponse response, Model model) {
        // The flow is read once, and not at all when an authorization request starts a new one.
        Optional<SignInFlow> current = requestCache.getRequest(request, response) == null ? flows.current(request)
                : Optional.empty();
        boolean starting = current.isEmpty();
        SignInFlow flow = startOrResume(request, response, current);
        Optional<EmailAddress> hint = starting ? Optional.ofNullable(flow.requestParameter("login_hint"))
                .flatMap(EmailAddress::parse) : Optional.empty();
        if (hint.isPresent()) {
            SignInFlow identified = flow.identified(hint.get());
            flows.update(request, response, identified);
            return "redirect:" + identified.step().url();
        }
        if (flow.step() != Step.IDENTIFY) {
            flow = flow.atStep(Step.IDENTIFY);
            flows.update(request, response, flow);
        }
        return steps.get(Step.IDENTIFY).show(flow, new StepContext(request, response), model);
    }

    @PostMapping
    String submitIdentify(@RequestParam MultiValueMap<String, String> form, HttpServletRequest request,
            HttpServletResponse response, Model model) {
        return submit(Step.IDENTIFY, form, request, response, model);
    }

    /**
     * The authorization endpoint found this signed-in session's factors not enough for the application or its
     * request's acr_values (oidc's MissingFactors) and saved its request: a flow that starts with the account and the factors it passed, at the
     * second factor (or its set-up), and ends back at that request.
     */
    @GetMapping("/step-up")
    String stepUp(HttpServletRequest request, HttpServletResponse response) {
        SavedRequest saved = requestCache.getRequest(request, response);
        Authentication session = SecurityContextHolder.getContextHolderStrategy().getContext().getAuthentication();
        if (saved == null) {
            return "redirect:/"; // nothing waits for more factors
        }
        Optional<Account> account = signedInAccount();
        if (account.isEmpty()) {
            return "redirect:/signin"; // not signed in (any more): the whole sign-in, for the saved request
        }
        List<PassedFactor> passed = session.getAuthorities().stream()
                .filter(FactorGrantedAuthority.class::isInstance)
                .map(factor -> new PassedFactor(factor.getAuthority(), ((FactorGrantedAuthority) factor).getIssuedAt()))
                .toList();
        requestCache.removeRequest(request, response);
        flows.end(request, response);
        Instant now = Instant.now();
        String continueUrl = saved.getRedirectUrl();
        SignInFlow signedIn = new SignInFlow(newFlowId(), Step.DONE, account.get().email(), account.get().id(),
                clientIdOf(continueUrl), continueUrl, passed, 0, now, now.plus(flowTtl));
        StepContext context = new StepContext(request, response);
        audit.record(new AuditEvent("signin.step-up", "started", signedIn.accountId(), signedIn.email().value(),
                signedIn.clientId(), context.address(), signedIn.passedFactorNames()));
        return "redirect:" + flows.begin(request, response, route.toSecondFactor(signedIn, context)).step().url();
    }

    /**
     * A change on My account needs a recent sign-in (decision 0032) and saved itself: a flow for the signed-in account,
     * at its password (no email step: the account is known; the second factor follows for a person with 2FA), that
     * ends back at the change. Its completion refuses any other account ({@link Reauthentication}).
     */
    @GetMapping("/reauthenticate")
    String reauthenticate(HttpServletRequest request, HttpServletResponse response) {
        SavedRequest saved = requestCache.getRequest(request, response);
        if (saved == null) {
            return "redirect:/"; // nothing waits for the confirmation
        }
        Optional<Account> account = signedInAccount();
        if (account.isEmpty()) {
            return "redirect:/signin"; // not signed in (any more): the whole sign-in, for the saved page
        }
        requestCache.removeRequest(request, response);
        flows.end(request, response);
        Instant now = Instant.now();
        SignInFlow flow = flows.begin(request, response, new SignInFlow(newFlowId(), Step.PASSWORD,
                account.get().email(), null, null, saved.getRedirectUrl(), List.of(), 0, now, now.plus(flowTtl)));
        Reauthentication.start(request.getSession(), flow.id(), account.get().id());
        audit.record(new AuditEvent("signin.reauthenticate", "started", account.get().id(),
                account.get().email().value(), null, request.getRemoteAddr(), null));
        return "redirect:" + flow.step().url();
    }

    @GetMapping("/{page}")
    String show(@PathVariable String page, HttpServletRequest request, HttpServletResponse response, Model model) {
        Step step = stepAt(page);
        return inStep(step, request, () -> show(step, request, response, model));
    }

    private String show(Step step, HttpServletRequest request, HttpServletResponse response, Model model) {
        Optional<SignInFlow> current = flows.current(request);
        if (current.isEmpty()) {
            return "redirect:/signin";
        }
        SignInFlow flow = current.get();
        if (flow.step() != step) {
            return "redirect:" + flow.whereNow();
        }
        return steps.get(step).show(flow, new StepContext(request, response), model);
    }

    @PostMapping("/{page}")
    String submitPage(@PathVariable String page, @RequestParam MultiValueMap<String, String> form,
            HttpServletRequest request, HttpServletResponse response, Model model) {
        return submit(stepAt(page), form, request, response, model);
    }

    private String submit(Step step, MultiValueMap<String, String> form, HttpServletRequest request,
            HttpServletResponse response, Model model) {
        return inStep(step, request, () -> submitInStep(step, form, request, response, model));
    }

    /** Runs a step's handling in one transaction when its handler says it may (decision 0048). */
    private String inStep(Step step, HttpServletRequest request, Supplier<String> handling) {
        // The email step of a browser without a session touches no database (its flow is in a cookie, decision 0065):
        // no transaction, no pooled connection.
        boolean noDatabase = step == Step.IDENTIFY && request.getSession(false) == null;
        return steps.get(step).inOneTransaction() && !noDatabase ? transactions.run(request, handling) : handling.get();
    }

    private String submitInStep(Step step, MultiValueMap<String, String> form, HttpServletRequest request,
            HttpServletResponse response, Model model) {
        StepContext context = new StepContext(request, response);
        Optional<SignInFlow> current = flows.current(request);
        if (current.isEmpty()) {
            // The flow expired (or the session did): start again at the email, and say why.
            SignInFlow flow = startOrResume(request, response, current);
            model.addAttribute("error", "signin.expired");
            return steps.get(Step.IDENTIFY).show(flow, context, model);
        }
        SignInFlow flow = current.get();
        if (flow.step() != step) {
            return "redirect:" + flow.whereNow();
        }
        SignInStep handler = steps.get(step);
        StepResult result = handler.submit(flow, context, firstValues(form));

        if (result instanceof StepResult.Advance advance) {
            if (advance.flow().step() == Step.DONE) {
                return "redirect:" + completion.complete(step, advance.flow(), request, response);
            }
            if (!flows.updateFrom(request, response, step, advance.flow())) {
                return movedOn(request, advance.flow());
            }
            return "redirect:" + advance.flow().step().url();
        }
        if (result instanceof StepResult.Rejected rejected) {
            if (!flows.updateFrom(request, response, step, rejected.flow())) {
                return movedOn(request, rejected.flow());
            }
            model.addAttribute("error", rejected.messageKey());
            // What was typed comes back, so a mistake costs one correction, not the whole form.
            model.addAttribute("form", firstValues(form));
            if (step == Step.IDENTIFY) {
                model.addAttribute("email", form.getFirst("email"));
            }
            return handler.show(rejected.flow(), context, model);
        }
        StepResult.Locked locked = (StepResult.Locked) result;
        model.addAttribute("error", locked.messageKey());
        model.addAttribute("retryMinutes", Math.max(1, (locked.retryAfter().toSeconds() + 59) / 60));
        model.addAttribute("form", firstValues(form)); // e.g. the phone number typed on the SMS backup page
        return handler.show(locked.flow(), context, model);
    }

    /**
     * Another request of this sign-in (the same form sent twice at once, on any node) moved it on while this one was
     * checked: this one's result is dropped, and the browser goes to the step the sign-in is at now, where the other
     * request's answer leads too; or, when the other one finished the sign-in, back to the application.
     */
    private String movedOn(HttpServletRequest request, SignInFlow dropped) {
        return "redirect:" + flows.find(request, dropped.id()).map(SignInFlow::whereNow).orElse(dropped.continueUrl());
    }

    /** The account of this browser's signed-in session, if it is signed in and the account still exists. */
    private Optional<Account> signedInAccount() {
        Authentication session = SecurityContextHolder.getContextHolderStrategy().getContext().getAuthentication();
        return session == null || session instanceof AnonymousAuthenticationToken || !session.isAuthenticated()
                ? Optional.empty() : accounts.findById(session.getName());
    }

    /** The browser's flow ({@code current}, as read), or a new one for the authorization request that sent it here. */
    private SignInFlow startOrResume(HttpServletRequest request, HttpServletResponse response,
            Optional<SignInFlow> current) {
        SavedRequest saved = requestCache.getRequest(request, response);
        if (saved == null && current.isPresent()) {
            return current.get();
        }
        // A flow that expired keeps its authorization request: starting again still ends at the application.
        String continueUrl = saved != null ? saved.getRedirectUrl() : flows.continueUrl(request).orElse("/");
        if (saved != null) {
            requestCache.removeRequest(request, response);
        }
        flows.end(request, response);
        Instant now = Instant.now();
        return flows.begin(request, response, new SignInFlow(newFlowId(), Step.IDENTIFY, null, null,
                clientIdOf(continueUrl), continueUrl, List.of(), 0, now, now.plus(flowTtl)));
    }


    private static Step stepAt(String page) {
        for (Step step : Step.values()) {
            if (step != Step.DONE && step != Step.IDENTIFY && step.url().equals("/signin/" + page)) {
                return step;
            }
        }
        throw new ResponseStatusException(org.springframework.http.HttpStatus.NOT_FOUND);
    }

    private static Map<String, String> firstValues(MultiValueMap<String, String> form) {
        Map<String, String> values = new HashMap<>();
        form.forEach((key, list) -> values.put(key, list.isEmpty() ? "" : list.get(0)));
        return values;
    }

    /**
     * The client_id of the authorization request, decoded as the servlet container decodes it for the authorization
     * server ({@code test%2Dstrict} is {@code test-strict}): the sign-in must see the application that gets the code.
     */
    private static String clientIdOf(String continueUrl) {
        return SignInFlow.parameterOf(continueUrl, "client_id");
    }

    private static String newFlowId() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
