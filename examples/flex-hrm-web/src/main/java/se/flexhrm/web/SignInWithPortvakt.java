package se.flexhrm.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * How Flex HRM signs people in, all of it Spring Security's OAuth2 client: the code flow with Portvakt (the only
 * registration, so an unauthenticated page goes straight there), two-factor before Payroll ({@link StepUp}),
 * RP-initiated logout back to the home page, and OpenID Connect Back-Channel Logout, so that signing out
 * elsewhere ends the session here too.
 */
@Configuration
class SignInWithPortvakt {

    @Bean
    SecurityFilterChain flexHrm(HttpSecurity http, ClientRegistrationRepository registrations) throws Exception {
        StepUp stepUp = new StepUp(registrations);
        var payroll = PathPatternRequestMatcher.withDefaults().matcher("/payroll");
        OidcClientInitiatedLogoutSuccessHandler signedOut = new OidcClientInitiatedLogoutSuccessHandler(registrations);
        signedOut.setPostLogoutRedirectUri("{baseUrl}/");
        http.authorizeHttpRequests(pages -> pages
                        .requestMatchers("/", "/flex-hrm.css", "/flex-hrm.svg", "/error").permitAll()
                        .requestMatchers(payroll).access(StepUp.twoFactor())
                        .anyRequest().authenticated())
                .oauth2Login(login -> login
                        .authorizationEndpoint(endpoint -> endpoint.authorizationRequestResolver(stepUp.requests()))
                        .failureHandler(stepUp.failures()))
                .exceptionHandling(errors -> errors.defaultAccessDeniedHandlerFor(stepUp, payroll))
                .logout(logout -> logout.logoutSuccessHandler(signedOut))
                // Portvakt posts a signed logout token to /logout/connect/back-channel/portvakt.
                .oidcLogout(logout -> logout.backChannel(Customizer.withDefaults()));
        return http.build();
    }
}
