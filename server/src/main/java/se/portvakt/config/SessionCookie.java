package se.portvakt.config;

import org.springframework.boot.session.autoconfigure.DefaultCookieSerializerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The session cookie ({@code server.servlet.session.cookie.*}, written by Spring Session) carries {@code Secure}
 * whenever the issuer is {@code https:}: TLS usually ends at a proxy, so the request that reaches Portvakt says
 * nothing about how the browser connected.
 */
@Configuration(proxyBeanMethods = false)
class SessionCookie {

    @Bean
    DefaultCookieSerializerCustomizer secureSessionCookie(PortvaktProperties properties) {
        return serializer -> {
            if (properties.secureCookies()) {
                serializer.setUseSecureCookie(true);
            }
        };
    }
}
