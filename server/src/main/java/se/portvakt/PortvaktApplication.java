package se.portvakt;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import se.portvakt.config.StartupSteps;
import se.portvakt.config.TrainingRun;

/** Portvakt: an OpenID Provider with an email-first sign-in journey. */
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class PortvaktApplication {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(PortvaktApplication.class);
        StartupSteps.recordIfAsked(application);
        TrainingRun.runIfAsked(application);
        application.run(args);
    }
}
