package se.portvakt.config;

import java.util.EnumSet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.session.jdbc.config.annotation.web.http.JdbcHttpSessionConfiguration;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Spring Session's JDBC repository, as Spring Boot configures it, wrapped in {@link BrowserSessionRepository} (one
 * read per request, the last access written at most once a minute, a replaced session's end and its replacement's save
 * in one transaction). It wraps the repository bean itself rather than
 * adding a second one, since Spring Boot's session configuration stands back when any other repository exists; every
 * user of the sessions (Spring Session's filter, My account, sign-out) gets the wrapper.
 */
@Configuration(proxyBeanMethods = false)
class BrowserSessionConfig {

    /** Spring Session's bean of this name is the JDBC repository. */
    private static final String SESSION_REPOSITORY = "sessionRepository";

    /**
     * Spring Session's repository gets {@link BrowserSessionTransactions} for its transactions (its own for each read,
     * save and deletion as before, or one for a replaced session's deletion and its replacement's save), given to its
     * configuration rather than as a bean: a {@code TransactionOperations} bean would make Spring Boot leave out its
     * own {@code TransactionTemplate}. The repository is then wrapped.
     */
    @Bean
    static BeanPostProcessor browserSessionRepository(ObjectProvider<PlatformTransactionManager> transactionManager) {
        return new BeanPostProcessor() {
            private BrowserSessionTransactions transactions;

            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof JdbcHttpSessionConfiguration configuration) {
                    configuration.setTransactionOperations(transactions());
                }
                return bean;
            }

            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof JdbcIndexedSessionRepository jdbc && SESSION_REPOSITORY.equals(beanName)
                        ? new BrowserSessionRepository(jdbc, transactions()) : bean;
            }

            private synchronized BrowserSessionTransactions transactions() {
                if (transactions == null) {
                    transactions = new BrowserSessionTransactions(transactionManager.getObject());
                }
                return transactions;
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
