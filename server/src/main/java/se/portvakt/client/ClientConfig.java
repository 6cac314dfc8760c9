package se.portvakt.client;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

import se.portvakt.password.PasswordHasher;

/** Where registered clients live (the database) and how their secrets are checked. */
@Configuration(proxyBeanMethods = false)
class ClientConfig {

    /** In the database, remembered for a minute ({@link RememberedClients}). */
    @Bean
    RegisteredClientRepository registeredClientRepository(JdbcTemplate jdbcTemplate) {
        return new RememberedClients(new JdbcRegisteredClientRepository(jdbcTemplate));
    }

    /** Used by Spring Authorization Server to check client secrets at the token endpoint. */
    @Bean
    ClientSecretEncoder clientSecretEncoder(PasswordHasher hasher, MeterRegistry metrics) {
        return new ClientSecretEncoder(hasher, metrics);
    }
}
