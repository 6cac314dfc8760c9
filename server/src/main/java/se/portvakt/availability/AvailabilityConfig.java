package se.portvakt.availability;

import java.time.Duration;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.session.web.http.SessionRepositoryFilter;

/**
 * What a node does while it cannot serve (decision 0029): it waits for the database at start-up, refuses requests
 * until its bootstrap file is applied, and answers 503 while the database is away. Both filters run before the HTTP
 * session's filter, whose sessions are in the database.
 */
@Configuration(proxyBeanMethods = false)
class AvailabilityConfig {

    static final String WAIT_SETTING = "portvakt.database.wait-at-start";

    @Bean
    static DatabaseAtStart databaseAtStart(Environment environment) {
        return new DatabaseAtStart(environment.getProperty(WAIT_SETTING, Duration.class, Duration.ofMinutes(2)));
    }

    @Bean
    FilterRegistrationBean<NotReadyGate> notReadyGate(ApplicationAvailability availability, Unavailable unavailable) {
        var registration = new FilterRegistrationBean<>(new NotReadyGate(availability, unavailable));
        registration.setOrder(SessionRepositoryFilter.DEFAULT_ORDER - 20);
        return registration;
    }

    @Bean
    FilterRegistrationBean<DatabaseOutage> databaseOutage(Unavailable unavailable) {
        var registration = new FilterRegistrationBean<>(new DatabaseOutage(unavailable));
        registration.setOrder(SessionRepositoryFilter.DEFAULT_ORDER - 10);
        return registration;
    }
}
