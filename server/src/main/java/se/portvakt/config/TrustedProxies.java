package se.portvakt.config;

import java.util.ArrayList;
import java.util.List;

import org.apache.catalina.Valve;
import org.apache.catalina.valves.RemoteIpValve;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Whose {@code X-Forwarded-For}, {@code X-Forwarded-Proto} and {@code X-Forwarded-Port} count: only those of the proxies listed in
 * {@code portvakt.trusted-proxies}, none by default. The client address (per-address limits, the audit log,
 * loopback-only pages) is then the socket's address, or the first address in {@code X-Forwarded-For}, read from
 * the right, that is not a listed proxy (decision 0014).
 */
@Configuration(proxyBeanMethods = false)
class TrustedProxies {

    static final String SETTING = "portvakt.trusted-proxies";

    @Bean
    static WebServerFactoryCustomizer<TomcatWebServerFactory> trustedProxiesValve(Environment environment) {
        if ("framework".equalsIgnoreCase(environment.getProperty("server.forward-headers-strategy", ""))) {
            throw new RefusedSetting("server.forward-headers-strategy=framework trusts X-Forwarded-* headers from every"
                    + " client, so anyone could choose the address that limits count and the audit log records.",
                    "Remove server.forward-headers-strategy and list your proxies in " + SETTING + ".");
        }
        // A wrong entry stops the start here, naming the setting.
        return new Customizer(AddressRanges.fromSetting(environment, SETTING, AddressRanges.NONE));
    }

    /** The valve for these proxies, or none when no proxy is listed. */
    static List<Valve> valves(AddressRanges proxies) {
        if (proxies.isEmpty()) {
            return List.of();
        }
        RemoteIpValve valve = new RemoteIpValve();
        valve.setRemoteIpHeader("X-Forwarded-For");
        valve.setProtocolHeader("X-Forwarded-Proto");
        // The proxy's own port for the redirects' URLs; without it X-Forwarded-Proto makes the port 80 or 443.
        valve.setPortHeader("X-Forwarded-Port");
        // Tomcat reads a list with a slash as CIDR ranges (NetMask), anything else as a regular expression.
        valve.setInternalProxies(proxies.commaSeparated());
        valve.setTrustedProxies(null);
        return List.of(valve);
    }

    /**
     * Replaces any {@link RemoteIpValve} that Spring Boot added (with {@code server.forward-headers-strategy=native}
     * or {@code server.tomcat.remoteip.*}, which trust every private address by default) with ours; runs last.
     */
    private record Customizer(AddressRanges proxies) implements WebServerFactoryCustomizer<TomcatWebServerFactory>, Ordered {

        @Override
        public void customize(TomcatWebServerFactory factory) {
            List<Valve> valves = new ArrayList<>(factory.getEngineValves());
            valves.removeIf(RemoteIpValve.class::isInstance);
            valves.addAll(0, valves(proxies));
            factory.setEngineValves(valves);
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
