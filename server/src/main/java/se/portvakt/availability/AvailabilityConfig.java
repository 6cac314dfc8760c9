package se.portvakt.availability;

import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.task.SimpleAsyncTaskSchedulerCustomizer;
import org.springframework.boot.task.ThreadPoolTaskSchedulerCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.session.web.http.SessionRepositoryFilter;

/**
 * What a node does while it cannot serve (decision 0029): it waits for the database at start-up, refuses requests
 * until its bootstrap file is applied, and answers 503 while the database is away, also when the database stops
 * answering rather than refusing (decision 0071). Both filters run before the HTTP session's filter, whose sessions are
 * in the database. A scheduled task that fails for want of the database logs one line and runs again at its time.
 */
@Configuration(proxyBeanMethods = false)
class AvailabilityConfig {

    static final String WAIT_SETTING = "portvakt.database.wait-at-start";
    static final String SOCKET_TIMEOUT_SETTING = "portvakt.database.socket-timeout";
    static final String CONNECT_TIMEOUT_SETTING = "portvakt.database.connect-timeout";

    @Bean
    static DatabaseTimeouts databaseTimeouts(Environment environment) {
        return new DatabaseTimeouts(
                positive(environment, SOCKET_TIMEOUT_SETTING, Duration.ofSeconds(15)),
                positive(environment, CONNECT_TIMEOUT_SETTING, Duration.ofSeconds(5)));
    }

    @Bean
    static DatabaseAtStart databaseAtStart(Environment environment) {
        return new DatabaseAtStart(environment.getProperty(WAIT_SETTING, Duration.class, Duration.ofMinutes(2)));
    }

    /** Flyway's migrations may rightly run long on a large table: their connections have no answer timeout. */
    @Bean
    FlywayConfigurationCustomizer migrationsWithoutAnswerTimeout() {
        return configuration -> {
            DataSource dataSource = configuration.getDataSource();
            if (dataSource instanceof HikariDataSource pool && DatabaseTimeouts.isPostgresql(pool.getJdbcUrl())) {
                configuration.dataSource(DatabaseTimeouts.withoutAnswerTimeout(pool));
            }
        };
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

    /** Scheduled tasks that fail for want of the database log one line (both of Spring Boot's schedulers). */
    @Bean
    ThreadPoolTaskSchedulerCustomizer scheduledTaskOutage() {
        return scheduler -> scheduler.setErrorHandler(new ScheduledTaskOutage());
    }

    @Bean
    SimpleAsyncTaskSchedulerCustomizer scheduledTaskOutageOnVirtualThreads() {
        return scheduler -> scheduler.setErrorHandler(new ScheduledTaskOutage());
    }

    private static Duration positive(Environment environment, String setting, Duration byDefault) {
        Duration timeout = environment.getProperty(setting, Duration.class, byDefault);
        if (timeout.toSeconds() < 1) {
            throw new IllegalStateException(setting + " must be at least 1s (the database driver counts whole seconds): "
                    + timeout);
        }
        return timeout;
    }
}
