package se.portvakt.config;

import java.util.EnumSet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.session.web.http.SessionRepositoryFilter;

/**
 * Spring Session's JDBC repository, as Spring Boot configures it, wrapped in {@link BrowserSessionRepository} (one
 * read per request, the last access written at most once a minute). It wraps the repository bean itself rather than
 * adding a second one, since Spring Boot's session configuration stands back when any other repository exists; every
 * user of the sessions (Spring Session's filter, My account, sign-out) gets the wrapper.
 */
@Configuration(proxyBeanMethods = false)
class BrowserSessionConfig {

    /** Spring Session's bean of this name is the JDBC repository. */
    private static final String SESSION_REPOSITORY = "sessionRepository";

    @Bean
    static BeanPostProcessor browserSessionRepository() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof JdbcIndexedSessionRepository jdbc && SESSION_REPOSITORY.equals(beanName)
                        ? new BrowserSessionRepository(jdbc) : bean;
            }
        };
    }

    /** Around Spring Session's filter: what one request saved answers that request's second read, and no other's. */
    @Bean
    FilterRegistrationBean<Filter> browserSessionRequestScope(
            FindByIndexNameSessionRepository<? extends Session> sessions) {
        if (!(sessions instanceof BrowserSessionRepository browserSessions)) {
            throw new IllegalStateException("Spring Session's repository is not wrapped: " + sessions.getClass());
        }
        var registration = new FilterRegistrationBean<>(browserSessions.requestScope());
        registration.setOrder(SessionRepositoryFilter.DEFAULT_ORDER - 1);
        registration.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR));
        return registration;
    }
}
