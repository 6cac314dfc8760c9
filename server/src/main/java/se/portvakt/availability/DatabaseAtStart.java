package se.portvakt.availability;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Waits for the database at start-up: a node started while PostgreSQL is down (or still starting, as after a
 * restart of the whole machine) tries again with growing pauses, saying so in the log, for up to
 * {@code portvakt.database.wait-at-start}, and only then stops with one clear message. Without it the first
 * attempt fails at once, with the connection pool's stack trace. It runs when the data source is made, before
 * Flyway's migrations use it. An embedded H2 database is never away and is not tried.
 */
final class DatabaseAtStart implements BeanPostProcessor {

    private static final Logger log = LoggerFactory.getLogger(DatabaseAtStart.class);
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(10);

    private final Duration wait;

    DatabaseAtStart(Duration wait) {
        this.wait = wait;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool && !isEmbedded(pool.getJdbcUrl())) {
            waitFor(pool);
        }
        return bean;
    }

    /**
     * Tries a connection of its own rather than the pool's: a pool that fails its first connection logs the
     * failure with a stack trace at ERROR, once per try.
     */
    private void waitFor(HikariDataSource pool) {
        String where = withoutParameters(pool.getJdbcUrl());
        long deadline = System.nanoTime() + wait.toNanos();
        Duration pause = FIRST_PAUSE;
        int tries = 0;
        while (true) {
            tries++;
            try {
                Connection tried = DriverManager.getConnection(pool.getJdbcUrl(), settingsOf(pool));
                tried.close();
                if (tries > 1) {
                    log.info("The database at {} is reachable; starting", where);
                }
                return;
            } catch (SQLException failed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("The database at " + where + " could not be reached in "
                            + wait.toSeconds() + " s (portvakt.database.wait-at-start): " + failed.getMessage());
                }
                Duration next = pause.compareTo(Duration.ofNanos(left)) < 0 ? pause : Duration.ofNanos(left);
                log.warn("The database at {} cannot be reached ({}); waiting for it, next try in {} s, giving up {} s"
                        + " after the first (portvakt.database.wait-at-start)", where, failed.getMessage(),
                        Math.max(1, next.toSeconds()), wait.toSeconds());
                sleep(next);
                pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) < 0 ? pause.multipliedBy(2) : LONGEST_PAUSE;
            }
        }
    }

    /**
     * The pool's own driver settings, with its user and password: the timeouts of {@link DatabaseTimeouts} (set before
     * this runs, when the pool was made), so a database that accepts the connection and never answers is a failed try
     * too, and whatever else the operator gave the driver (TLS, say).
     */
    private static Properties settingsOf(HikariDataSource pool) {
        Properties settings = new Properties();
        settings.putAll(pool.getDataSourceProperties());
        if (pool.getUsername() != null) {
            settings.setProperty("user", pool.getUsername());
        }
        if (pool.getPassword() != null) {
            settings.setProperty("password", pool.getPassword());
        }
        return settings;
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the database", e);
        }
    }

    static boolean isEmbedded(String url) {
        return url == null || (url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:tcp:") && !url.startsWith("jdbc:h2:ssl:"));
    }

    /** The URL without its parameters, which may hold a password. */
    static String withoutParameters(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }
}
