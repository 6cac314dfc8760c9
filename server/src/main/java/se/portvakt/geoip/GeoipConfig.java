package se.portvakt.geoip;

import java.io.File;
import java.io.IOException;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import se.portvakt.config.PortvaktProperties;

/**
 * Chooses the {@link Places} adapter in one place, by {@code portvakt.geoip.database}. Not set: no lookups, every
 * place is empty (GeoIP is optional; MaxMind's databases need an account and a licence). Set to a file that is
 * missing, unreadable or not a City or Country database: the start stops with Spring Boot's report naming the
 * setting, rather than a server that silently shows no places.
 */
@Configuration(proxyBeanMethods = false)
class GeoipConfig {

    static final String SETTING = "portvakt.geoip.database";

    private static final Logger log = LoggerFactory.getLogger(GeoipConfig.class);

    /** The database is opened once here and closed with the application (the bean's inferred close method). */
    @Bean
    Places places(PortvaktProperties properties) {
        String path = properties.geoip().database();
        if (path == null || path.isBlank()) {
            log.info("GeoIP: {} is not set; push requests show the address without a place", SETTING);
            return address -> Optional.empty();
        }
        File file = new File(path.strip());
        if (!file.isFile() || !file.canRead()) {
            throw invalid(path, "there is no readable file at that path");
        }
        try {
            return MaxMindPlaces.open(file);
        } catch (MaxMindPlaces.NotAPlaceDatabase wrongKind) {
            throw invalid(path, wrongKind.getMessage());
        } catch (IOException | RuntimeException unreadable) {
            throw invalid(path, "it cannot be read as a MaxMind database (.mmdb): " + unreadable.getMessage());
        }
    }

    /** Spring Boot reports this at start-up as "Invalid value ... for configuration property ..." with the reason. */
    private static InvalidConfigurationPropertyValueException invalid(String path, String reason) {
        return new InvalidConfigurationPropertyValueException(SETTING, path, reason);
    }
}
