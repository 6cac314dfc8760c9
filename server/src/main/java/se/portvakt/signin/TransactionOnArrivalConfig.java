package se.portvakt.signin;

import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.session.web.http.SessionRepositoryFilter;

import se.portvakt.config.BrowserSessionSave;
import se.portvakt.signin.flow.SignInStep;

/** Registers {@link TransactionOnArrival} just inside Spring Session's filter, in front of Spring Security's. */
@Configuration(proxyBeanMethods = false)
class TransactionOnArrivalConfig {

    @Bean
    FilterRegistrationBean<TransactionOnArrival> transactionOnArrival(AuthorizationServerSettings authorizationServer,
            List<SignInStep> handlers, StepTransactions transactions, BrowserSessionSave sessions,
            @Value("${server.servlet.session.cookie.name:SESSION}") String sessionCookie) {
        var registration = new FilterRegistrationBean<>(new TransactionOnArrival(
                authorizationServer.getAuthorizationEndpoint(), handlers, transactions, sessions, sessionCookie));
        registration.setOrder(SessionRepositoryFilter.DEFAULT_ORDER + 1);
        return registration;
    }
}
