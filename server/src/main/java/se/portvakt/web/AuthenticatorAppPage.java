package se.portvakt.web;

import org.springframework.boot.web.server.MimeMappings;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.servlet.ConfigurableServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The address of Portvakt Authenticator, the web app of journey step 4a ({@code static/authenticator/}): the QR code
 * on the pairing page leads to {@code /authenticator/#pair=CODE}, and a folder address serves no file by itself.
 */
@Controller
class AuthenticatorAppPage {

    @GetMapping("/authenticator")
    String withoutSlash() {
        return "redirect:/authenticator/";
    }

    @GetMapping("/authenticator/")
    String app() {
        return "forward:/authenticator/index.html";
    }

    /** The app's manifest with its registered type (neither Tomcat nor Spring knows {@code .webmanifest}). */
    @Bean
    static WebServerFactoryCustomizer<ConfigurableServletWebServerFactory> webManifestType() {
        return factory -> {
            MimeMappings mappings = new MimeMappings();
            mappings.add("webmanifest", "application/manifest+json");
            factory.addMimeMappings(mappings);
        };
    }
}
