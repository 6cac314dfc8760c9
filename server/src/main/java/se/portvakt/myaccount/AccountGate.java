package se.portvakt.myaccount;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.config.PageRequestCache;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.factor.FactorStore;
import se.portvakt.oidc.FactorRequirement;
import se.portvakt.signin.Reauthentication;

/**
 * The door of every My account page (decision 0028). Spring Security has already sent a browser without a session
 * through the sign-in and back; this gate asks what only Portvakt knows: whether the account still exists (if not,
 * the browser is signed out, calmly) and whether the session passed the second factor of a person who has set up
 * 2FA (if not, the sign-in's step-up asks for it and comes back here). A page that changes the account
 * ({@link RecentSignIn}) also needs a recent sign-in, else the person confirms who they are first (decision 0032); a
 * page that finishes pairing a device ({@link FinishesPairing}) checks the second factor itself (decision 0039). The
 * pages read the person from {@link #ACCOUNT}, never from a parameter.
 */
@Configuration(proxyBeanMethods = false)
class AccountGate implements WebMvcConfigurer, HandlerInterceptor {

    /** The request attribute holding the signed-in person's {@link Account}. */
    static final String ACCOUNT = "portvakt.account";

    /** Where the sign-in takes a signed-in person through their second factor (SignInController#stepUp). */
    private static final String STEP_UP_PAGE = "/signin/step-up";

    private final AccountStore accounts;
    private final FactorStore factors;
    private final RequestCache requestCache = new PageRequestCache();
    private final Duration reauthenticationWindow;

    AccountGate(AccountStore accounts, FactorStore factors, PortvaktProperties properties) {
        this.accounts = accounts;
        this.factors = factors;
        this.reauthenticationWindow = properties.account().reauthenticationWindow();
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/account", "/account/**");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        Authentication session = SecurityContextHolder.getContextHolderStrategy().getContext().getAuthentication();
        if (!(session instanceof UsernamePasswordAuthenticationToken) || !session.isAuthenticated()) {
            // Not reached through the security chain, which lets only signed-in sessions here; never show a page.
            requestCache.saveRequest(request, response);
            response.sendRedirect(request.getContextPath() + "/signin");
            return false;
        }
        Optional<Account> account = accounts.findById(session.getName());
        if (account.isEmpty()) {
            // The account was deleted while this browser was signed in: nothing of it to show, and no session to keep.
            new SecurityContextLogoutHandler().logout(request, response, session);
            response.sendRedirect(request.getContextPath() + "/signed-out");
            return false;
        }
        if (!factors.enrolled(account.get().id()).isEmpty() && !FactorRequirement.TWO_FACTORS.isMetBy(session)
                && !(handler instanceof HandlerMethod page && page.hasMethodAnnotation(FinishesPairing.class))) {
            requestCache.saveRequest(request, response);
            response.sendRedirect(request.getContextPath() + STEP_UP_PAGE);
            return false;
        }
        if (handler instanceof HandlerMethod page && page.hasMethodAnnotation(RecentSignIn.class)
                && !signedInSince(session, Instant.now().minus(reauthenticationWindow))) {
            // A change: the person confirms who they are and comes back to this page (a form comes back empty).
            requestCache.saveRequest(request, response);
            response.sendRedirect(request.getContextPath() + Reauthentication.PAGE);
            return false;
        }
        request.setAttribute(ACCOUNT, account.get());
        return true;
    }

    /**
     * Whether every factor of the session's sign-in was passed after {@code moment}: a session stepped up to its
     * second factor a minute ago still signed in with its password long ago, and is not a recent sign-in.
     */
    static boolean signedInSince(Authentication session, Instant moment) {
        List<Instant> factors = session.getAuthorities().stream()
                .filter(FactorGrantedAuthority.class::isInstance)
                .map(factor -> ((FactorGrantedAuthority) factor).getIssuedAt())
                .toList();
        return !factors.isEmpty() && factors.stream().allMatch(at -> at.isAfter(moment));
    }
}
