package se.portvakt.oidc;

import java.io.IOException;
import java.io.Serial;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.web.DefaultRedirectStrategy;
import org.springframework.security.web.RedirectStrategy;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.util.StringUtils;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * The authorization endpoint gives no code to a signed-in session whose factors are not enough for the application
 * or for what its request asks in {@code acr_values} ({@link FactorRequirement}), however the browser got that
 * session. With {@code prompt=none} the application gets {@code interaction_required}; otherwise the person goes to
 * the sign-in at {@link #STEP_UP_PAGE}, which runs the missing step and comes back to the saved authorization
 * request (node-oidc-provider's interaction: this package says what is missing, the sign-in asks for it).
 *
 * <p>The check is part of Spring's request validation, which runs on the request as Spring decoded it, after the
 * redirect_uri and scopes are validated, so an error is only ever sent to a registered redirect_uri.
 */
final class MissingFactors {

    /** Where the sign-in takes a signed-in person through the factors an application still asks for. */
    static final String STEP_UP_PAGE = "/signin/step-up";

    private static final String INTERACTION_REQUIRED = "interaction_required";
    private static final String PROMPT = "prompt";

    private static final RequestCache REQUEST_CACHE = new HttpSessionRequestCache();
    private static final RedirectStrategy REDIRECT = new DefaultRedirectStrategy();

    private MissingFactors() {}

    /** Adds the check to Spring's validation of authorization requests (which it also runs before the sign-in). */
    static void checkIn(List<AuthenticationProvider> providers) {
        for (AuthenticationProvider provider : providers) {
            if (provider instanceof OAuth2AuthorizationCodeRequestAuthenticationProvider codeRequests) {
                // The parameters first (Spring's own check fails on a repeated prompt), once redirect_uri is known good.
                codeRequests.setAuthenticationValidator(OAuth2AuthorizationCodeRequestAuthenticationValidator
                        .DEFAULT_REDIRECT_URI_VALIDATOR
                        .andThen(OAuth2AuthorizationCodeRequestAuthenticationValidator.DEFAULT_SCOPE_VALIDATOR)
                        .andThen(FreshSignIn::checkParameters)
                        .andThen(new OAuth2AuthorizationCodeRequestAuthenticationValidator())
                        .andThen(FreshSignIn::check)
                        .andThen(MissingFactors::check));
            }
        }
    }

    /**
     * The authorization endpoint's error responses: a step the person can take sends the browser to the sign-in;
     * every other error goes to the application (or is a 400 page) exactly as Spring's own handler does.
     */
    static AuthenticationFailureHandler errorResponses() {
        return MissingFactors::respond;
    }

    private static void check(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
        OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
        // A repeated acr_values was refused before this check (FreshSignIn#checkParameters): one String, or none.
        String acrValues = request.getAdditionalParameters().get(FactorRequirement.ACR_VALUES) instanceof String values
                ? values : null;
        if (!(request.getPrincipal() instanceof Authentication session) || !signedIn(session)
                || FactorRequirement.of(context.getRegisteredClient(), acrValues).isMetBy(session)) {
            return; // enough, or nobody signed in yet: the sign-in comes first, and this check again after it
        }
        var answer = answer(context);
        OAuth2Error error = new OAuth2Error(INTERACTION_REQUIRED,
                "The application requires two-factor authentication.", null);
        if (promptNone(request)) {
            throw new OAuth2AuthorizationCodeRequestAuthenticationException(error, answer);
        }
        throw new StepUp(error, answer);
    }

    /** The request as the error response needs it: its redirect_uri, else the client's only registered one. */
    static OAuth2AuthorizationCodeRequestAuthenticationToken answer(
            OAuth2AuthorizationCodeRequestAuthenticationContext context) {
        OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
        String redirectUri = StringUtils.hasText(request.getRedirectUri()) ? request.getRedirectUri()
                : context.getRegisteredClient().getRedirectUris().iterator().next();
        return new OAuth2AuthorizationCodeRequestAuthenticationToken(request.getAuthorizationUri(),
                request.getClientId(), (Authentication) request.getPrincipal(), redirectUri, request.getState(),
                request.getScopes(), request.getAdditionalParameters());
    }

    private static boolean signedIn(Authentication session) {
        return !(session instanceof AnonymousAuthenticationToken) && session.isAuthenticated();
    }

    /** prompt=none, read as Spring reads it: only in an OpenID Connect request, space-separated values. */
    private static boolean promptNone(OAuth2AuthorizationCodeRequestAuthenticationToken request) {
        return request.getScopes().contains(OidcScopes.OPENID)
                && request.getAdditionalParameters().get(PROMPT) instanceof String prompt
                && Arrays.asList(prompt.split(" ")).contains("none");
    }

    private static void respond(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException exception) throws IOException {
        if (exception instanceof StepUp || exception instanceof FreshSignIn.Required) {
            REQUEST_CACHE.saveRequest(request, response);
            REDIRECT.sendRedirect(request, response,
                    exception instanceof StepUp ? STEP_UP_PAGE : FreshSignIn.SIGN_IN_PAGE);
            return;
        }
        // Spring's OAuth2AuthorizationEndpointFilter#sendErrorResponse, which a custom handler replaces.
        OAuth2Error error = ((OAuth2AuthenticationException) exception).getError();
        OAuth2AuthorizationCodeRequestAuthenticationToken answer =
                exception instanceof OAuth2AuthorizationCodeRequestAuthenticationException refused
                        ? refused.getAuthorizationCodeRequestAuthentication() : null;
        if (answer == null || !StringUtils.hasText(answer.getRedirectUri())) {
            response.sendError(HttpStatus.BAD_REQUEST.value(), error.toString());
            return;
        }
        UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(answer.getRedirectUri())
                .queryParam(OAuth2ParameterNames.ERROR, error.getErrorCode());
        addEncoded(uri, OAuth2ParameterNames.ERROR_DESCRIPTION, error.getDescription());
        addEncoded(uri, OAuth2ParameterNames.ERROR_URI, error.getUri());
        addEncoded(uri, OAuth2ParameterNames.STATE, answer.getState());
        REDIRECT.sendRedirect(request, response, uri.build(true).toUriString());
    }

    private static void addEncoded(UriComponentsBuilder uri, String name, String value) {
        if (StringUtils.hasText(value)) {
            uri.queryParam(name, UriUtils.encode(value, StandardCharsets.UTF_8));
        }
    }

    /** Not enough factors, and the person may be asked for more. */
    private static final class StepUp extends OAuth2AuthorizationCodeRequestAuthenticationException {

        @Serial
        private static final long serialVersionUID = 1L;

        StepUp(OAuth2Error error, OAuth2AuthorizationCodeRequestAuthenticationToken request) {
            super(error, request);
        }
    }
}
