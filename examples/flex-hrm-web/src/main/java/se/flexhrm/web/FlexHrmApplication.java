package se.flexhrm.web;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Flex HRM, the example application of Portvakt's run command: the web application the sign-in journey's person
 * signs in to. It knows Portvakt only as an OpenID Provider (application.yml is the README's configuration).
 */
@SpringBootApplication
public class FlexHrmApplication {

    public static void main(String[] args) {
        SpringApplication.run(FlexHrmApplication.class, args);
    }
}
