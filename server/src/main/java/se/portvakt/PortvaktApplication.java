package se.portvakt;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import se.portvakt.config.StartupSteps;

/** Portvakt: an OpenID Provider with an email-first sign-in journey. */
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class PortvaktApplication {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(PortvaktApplication.class);
        StartupSteps.recordIfAsked(application);
        application.run(args);
    }
}
