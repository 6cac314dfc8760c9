package se.portvakt.config;

import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.session.jdbc.PostgreSqlJdbcIndexedSessionRepositoryCustomizer;

/**
 * A browser session's attribute is written as an upsert: two requests of one session at once that both add the same
 * attribute (the CSRF token of a session that has none yet, say: a form sent twice just after the sign-in renewed the
 * session) would otherwise fail the later insert on the duplicate key, a 500. PostgreSQL with Spring Session's own
 * {@code ON CONFLICT} query; H2 with {@code MERGE ... KEY}.
 */
@Configuration(proxyBeanMethods = false)
class BrowserSessionWrites {

    private static final String H2_UPSERT = """
            MERGE INTO %TABLE_NAME%_ATTRIBUTES (SESSION_PRIMARY_ID, ATTRIBUTE_NAME, ATTRIBUTE_BYTES)
            KEY (SESSION_PRIMARY_ID, ATTRIBUTE_NAME)
            VALUES (?, ?, ?)
            """;

    @Bean
    SessionRepositoryCustomizer<JdbcIndexedSessionRepository> attributesUpserted(Environment environment) {
        DatabaseDriver database = DatabaseDriver.fromJdbcUrl(environment.getProperty("spring.datasource.url"));
        return repository -> {
            if (database == DatabaseDriver.POSTGRESQL) {
                new PostgreSqlJdbcIndexedSessionRepositoryCustomizer().customize(repository);
            } else if (database == DatabaseDriver.H2) {
                repository.setCreateSessionAttributeQuery(H2_UPSERT);
            }
        };
    }
}
