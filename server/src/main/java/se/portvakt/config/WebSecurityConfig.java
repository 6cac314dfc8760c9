package se.portvakt.config;

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
import org.springframework.security.web.csrf.CsrfTokenRepository;
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

    /** The actuator endpoint with which an operator ends a person's sessions (decision 0025). */
    private static final String SIGN_OUT_ENDPOINT = "signout";

    /** The actuator endpoint with which an operator lists and rotates the token signing keys (decision 0041). */
    private static final String SIGNING_KEYS_ENDPOINT = "signingkeys";

    /**
     * Where the CSRF token lives (the session); shared with the sign-in, which renews the token at sign-in. A form
     * posted without a session (an old page; a copy of a form sent after the sign-in renewed the session) is refused
     * whatever its token, and gets no new session for a token: its cookie would replace a signed-in browser's.
     */
    @Bean
    CsrfTokenRepository csrfTokenRepository() {
        HttpSessionCsrfTokenRepository session = new HttpSessionCsrfTokenRepository();
        return new CsrfTokenRepository() {
            @Override
            public CsrfToken generateToken(HttpServletRequest request) {
                return session.generateToken(request);
            }

            @Override
            public void saveToken(CsrfToken token, HttpServletRequest request, HttpServletResponse response) {
                boolean refusedAnyway = token != null && request.getSession(false) == null
                        && !List.of("GET", "HEAD", "OPTIONS", "TRACE").contains(request.getMethod());
                if (!refusedAnyway) {
                    session.saveToken(token, request, response);
                }
            }

            @Override
            public CsrfToken loadToken(HttpServletRequest request) {
                return session.loadToken(request);
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
