package se.flexhrm.web;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;

/**
 * Payroll needs two-factor: a person whose ID token's {@code acr} is not {@link #TWO_FACTOR} is sent back to Portvakt
 * with {@code acr_values} asking for it (Portvakt then asks for the second factor, or to set one up, and nothing
 * else), and comes back to Payroll. Only the claim of the ID token counts, never a parameter of a request; when
 * Portvakt answers without two-factor, the person sees why instead of going round in circles.
 */
final class StepUp implements AccessDeniedHandler {

    /** The {@code acr} of a sign-in with two factors (Portvakt's README). */
    static final String TWO_FACTOR = "urn:portvakt:acr:2fa";

    private static final String START = "/oauth2/authorization/portvakt";
    private static final String REFUSED = "/payroll/refused";
    /** Marks the one authorization request that asks for two-factor; only adds a parameter to what Portvakt checks. */
    private static final String STEP_UP_PARAMETER = "step-up";
    /** The ID token of the sign-in for which this session last asked Portvakt for two-factor. */
    private static final String ASKED_FOR = StepUp.class.getName() + ".askedFor";

    private final RequestCache requestCache = new HttpSessionRequestCache();
    private final DefaultOAuth2AuthorizationRequestResolver requests;

    StepUp(ClientRegistrationRepository registrations) {
        requests = new DefaultOAuth2AuthorizationRequestResolver(registrations, "/oauth2/authorization");
    }

    /** Granted when the signed-in person's ID token says two-factor. */
    static AuthorizationManager<RequestAuthorizationContext> twoFactor() {
        return (authentication, context) -> new AuthorizationDecision(
                authentication.get() != null && authentication.get().getPrincipal() instanceof OidcUser user
                        && TWO_FACTOR.equals(user.getIdToken().getClaimAsString("acr")));
    }

    /**
     * Payroll refused: the first time, off to Portvakt for the second factor, to come back here; when the sign-in
     * that came back after that request still lacks it, the refusal page.
     */
    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException, ServletException {
        HttpSession session = request.getSession();
        String idToken = currentIdToken();
        if (session.getAttribute(ASKED_FOR) instanceof String askedFor && !askedFor.equals(idToken)) {
            session.removeAttribute(ASKED_FOR);
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            request.getRequestDispatcher(REFUSED).forward(request, response);
            return;
        }
        session.setAttribute(ASKED_FOR, idToken);
        requestCache.saveRequest(request, response);
        response.sendRedirect(request.getContextPath() + START + "?" + STEP_UP_PARAMETER + "=2fa");
    }

    /**
     * A sign-in that Portvakt answered with an error (the person cancelled, or an unknown account): for the step-up,
     * the refusal page (the earlier sign-in stays); otherwise home, which says that signing in did not finish.
     */
    AuthenticationFailureHandler failures() {
        return (request, response, failure) -> {
            HttpSession session = request.getSession(false);
            if (session != null && session.getAttribute(ASKED_FOR) != null) {
                session.removeAttribute(ASKED_FOR);
                // A new request, which finds the earlier sign-in in the session (this one no longer has it).
                response.sendRedirect(request.getContextPath() + REFUSED);
                return;
            }
            response.sendRedirect(request.getContextPath() + "/?error");
        };
    }

    /** The current sign-in's ID token (a new one after every sign-in), or "" before any. */
    private static String currentIdToken() {
        Authentication signedIn = SecurityContextHolder.getContext().getAuthentication();
        return signedIn != null && signedIn.getPrincipal() instanceof OidcUser user
                ? user.getIdToken().getTokenValue() : "";
    }

    /** Spring's authorization requests, with {@code acr_values} added to the one that asks for two-factor. */
    OAuth2AuthorizationRequestResolver requests() {
        return new OAuth2AuthorizationRequestResolver() {
            @Override
            public OAuth2AuthorizationRequest resolve(HttpServletRequest request) {
                return withAcrValues(request, requests.resolve(request));
            }

            @Override
            public OAuth2AuthorizationRequest resolve(HttpServletRequest request, String registrationId) {
                return withAcrValues(request, requests.resolve(request, registrationId));
            }
        };
    }

    private static OAuth2AuthorizationRequest withAcrValues(HttpServletRequest request,
            OAuth2AuthorizationRequest authorization) {
        if (authorization == null || request.getParameter(STEP_UP_PARAMETER) == null) {
            return authorization;
        }
        return OAuth2AuthorizationRequest.from(authorization)
                .additionalParameters(parameters -> parameters.putAll(Map.of("acr_values", TWO_FACTOR)))
                .build();
    }
}
