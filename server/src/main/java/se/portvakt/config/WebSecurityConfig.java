package se.portvakt.config;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.logout.LogoutHandler;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.DeferredCsrfToken;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

import se.portvakt.captcha.CaptchaWidget;

/**
 * Security of everything that is not a protocol endpoint: the sign-in pages are open (with CSRF on every
 * form), the rest needs a signed-in person, and every response carries {@link SecurityHeaders}.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class WebSecurityConfig {

    /** The client addresses that {@code /actuator/prometheus} answers; loopback when not set. */
    static final String METRICS_SETTING = "portvakt.metrics.allowed-addresses";

    /**
     * The client addresses that the operator's {@code /actuator/signout} and {@code /actuator/signingkeys} answer;
     * loopback when not set.
     */
    static final String OPERATOR_SETTING = "portvakt.operator.allowed-addresses";

    /** The cookie with the CSRF token of a browser that has no session. */
    static final String CSRF_COOKIE = "PORTVAKT_CSRF";
    private static final String CSRF_COOKIE_CLEARED = "portvakt.csrf-cookie-cleared";

    /** The actuator endpoint with which an operator ends a person's sessions (decision 0025). */
    private static final String SIGN_OUT_ENDPOINT = "signout";

    /** The actuator endpoint with which an operator lists and rotates the token signing keys (decision 0041). */
    private static final String SIGNING_KEYS_ENDPOINT = "signingkeys";

    /**
     * Where the CSRF token lives: in the session when the browser has one (shared with the sign-in, which renews the
     * token at sign-in), else in an HttpOnly cookie that each form repeats (a double submit: a page elsewhere can
     * neither read the cookie nor set it), so that the email and password pages need no session and no database
     * (decision 0065). When the browser's session begins (its password passed), the cookie's token moves into it at
     * the next request, and the cookie is cleared: a copy of a form sent without the session (after the sign-in
     * renewed it) finds no token and is refused, and gets no session for its token, whose cookie would replace the
     * signed-in browser's. The sign-in renews the token, as before.
     */
    @Bean
    CsrfTokenRepository csrfTokenRepository(PortvaktProperties properties) {
        HttpSessionCsrfTokenRepository session = new HttpSessionCsrfTokenRepository();
        CookieCsrfTokenRepository cookie = new CookieCsrfTokenRepository();
        cookie.setCookieName(CSRF_COOKIE);
        cookie.setHeaderName("X-CSRF-TOKEN");
        cookie.setCookieCustomizer(
                builder -> builder.path("/").httpOnly(true).secure(properties.secureCookies()).sameSite("Lax"));
        return new CsrfTokenRepository() {
            @Override
            public CsrfToken generateToken(HttpServletRequest request) {
                return session.generateToken(request);
            }

            @Override
            public void saveToken(CsrfToken token, HttpServletRequest request, HttpServletResponse response) {
                if (request.getSession(false) != null) {
                    session.saveToken(token, request, response);
                    clearCookie(request, response);
                } else if (token != null || hasCookie(request)) {
                    cookie.saveToken(token, request, response);
                }
            }

            /**
             * The cookie's token while the session has none: the first request of a new session moves it in (the form
             * shown before goes on), and the sign-in finds it to renew it.
             */
            @Override
            public CsrfToken loadToken(HttpServletRequest request) {
                CsrfToken inSession = request.getSession(false) == null ? null : session.loadToken(request);
                return inSession != null ? inSession : hasCookie(request) ? cookie.loadToken(request) : null;
            }

            @Override
            public DeferredCsrfToken loadDeferredToken(HttpServletRequest request, HttpServletResponse response) {
                if (request.getSession(false) != null && session.loadToken(request) == null && hasCookie(request)) {
                    session.saveToken(cookie.loadToken(request), request, response);
                    clearCookie(request, response);
                }
                return CsrfTokenRepository.super.loadDeferredToken(request, response);
            }

            private void clearCookie(HttpServletRequest request, HttpServletResponse response) {
                if (hasCookie(request)) {
                    cookie.saveToken(null, request, response);
                    request.setAttribute(CSRF_COOKIE_CLEARED, Boolean.TRUE);
                }
            }

            /** Whether the request brought a token cookie that this response has not cleared yet. */
            private static boolean hasCookie(HttpServletRequest request) {
                return request.getAttribute(CSRF_COOKIE_CLEARED) == null && request.getCookies() != null
                        && Arrays.stream(request.getCookies()).anyMatch(c -> CSRF_COOKIE.equals(c.getName()));
            }
        };
    }

    /**
     * No Micrometer observation of every security filter, authentication and authorization decision: they cost
     * 5-9 % of a token request's CPU in profiles and nobody reads them. Request metrics
     * ({@code http_server_requests}) and Portvakt's own counters stay.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * The device API of Portvakt Authenticator (decision 0019): every call is a message signed by the device's own
     * key, so there is no session, no cookie and no CSRF token; the controller checks each signature.
     */
    @Bean
    @Order(0)
    SecurityFilterChain authenticatorApiChain(HttpSecurity http) throws Exception {
        http.securityMatcher("/authenticator/api/**")
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .headers(headers -> SecurityHeaders.apply(headers));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain pagesChain(HttpSecurity http, CsrfTokenRepository csrfTokens, CaptchaWidget captcha,
            Environment environment, ObjectProvider<LogoutHandler> signOutHandlers) throws Exception {
        // The operator's endpoint is called by a script, not a browser: no session to carry a CSRF token, and
        // nothing a page elsewhere could make a browser send there (it is served to the listed addresses only).
        http.csrf(csrf -> csrf.csrfTokenRepository(csrfTokens)
                        .ignoringRequestMatchers(EndpointRequest.to(SIGN_OUT_ENDPOINT, SIGNING_KEYS_ENDPOINT)))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/", "/signin", "/signin/**", "/signed-out", "/css/**", "/js/**", "/img/**",
                                "/favicon.svg", "/favicon.ico", "/brand/**",
                                "/error", "/recovery/**", "/dev/outbox", "/dev/outbox/**",
                                "/authenticator", "/authenticator/**",
                                "/actuator/health", "/actuator/health/**", "/actuator/prometheus", CaptchaWidget.CHALLENGE_PATH)
                        .permitAll()
                        .requestMatchers(EndpointRequest.to(SIGN_OUT_ENDPOINT, SIGNING_KEYS_ENDPOINT)).permitAll()
                        .anyRequest().authenticated())
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/signin")))
                .requestCache(cache -> cache.requestCache(new PageRequestCache()))
                // Signing out also ends the session's tokens and tells its applications (oidc.SignOutNotices).
                .logout(logout -> {
                    logout.logoutUrl("/signout").logoutSuccessUrl("/signed-out");
                    signOutHandlers.orderedStream().forEach(logout::addLogoutHandler);
                })
                // The dev outbox shows live links and codes: only to the developer's own machine. Metrics tell
                // strangers too much (sign-in failures, clients): only to the listed addresses, also on the
                // management port when there is one (it has this chain too, and the socket's address). Ending a
                // person's sessions or rotating the signing keys is for the operator's own addresses, which need not be the
                // monitoring's.
                .addFilterBefore(new AddressGate(Map.of(
                        PathPatternRequestMatcher.pathPattern("/dev/outbox/**"), AddressRanges.LOOPBACK,
                        EndpointRequest.to("prometheus"),
                        AddressRanges.fromSetting(environment, METRICS_SETTING, AddressRanges.LOOPBACK),
                        EndpointRequest.to(SIGN_OUT_ENDPOINT, SIGNING_KEYS_ENDPOINT),
                        AddressRanges.fromSetting(environment, OPERATOR_SETTING, AddressRanges.LOOPBACK))),
                        AuthorizationFilter.class)
                // A third-party CAPTCHA's script and frames are allowed on the pages only when it is configured.
                .headers(headers -> SecurityHeaders.apply(headers, captcha.contentSecurityPolicy()));
        return http.build();
    }
}
