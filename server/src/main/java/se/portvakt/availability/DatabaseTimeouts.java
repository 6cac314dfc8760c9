package se.portvakt.availability;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * How long a node waits for a PostgreSQL database that does not answer (decision 0071). A database that is down
 * refuses connections and a request gets its 503 in a few seconds (decision 0029); one that stops answering (a
 * network path that drops packets, a host that hangs, a frozen primary) refuses nothing, and the PostgreSQL driver's
 * defaults wait for it without end: a request holding a connection hangs, and so does a node starting. So every
 * PostgreSQL connection is given {@code portvakt.database.socket-timeout} for each answer and
 * {@code portvakt.database.connect-timeout} to connect and log in, unless the database URL or Hikari's data source
 * properties name them already. Flyway's migrations are the exception: a migration may rightly run for minutes on a
 * large table, so its connections wait for answers without a limit.
 */
final class DatabaseTimeouts implements BeanPostProcessor {

    private static final String SOCKET_TIMEOUT = "socketTimeout";
    private static final String CONNECT_TIMEOUT = "connectTimeout";
    private static final String LOGIN_TIMEOUT = "loginTimeout";

    private final Duration socketTimeout;
    private final Duration connectTimeout;

    DatabaseTimeouts(Duration socketTimeout, Duration connectTimeout) {
        this.socketTimeout = socketTimeout;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool && isPostgresql(pool.getJdbcUrl())) {
            Properties given = pool.getDataSourceProperties();
            withTimeouts(pool.getJdbcUrl(), given).forEach((name, value) -> given.putIfAbsent(name, value));
        }
        return bean;
    }

    /**
     * The driver settings for a connection to {@code url}: {@code given} with the timeouts that neither it nor the URL
     * names. Values are in seconds, as the driver takes them.
     */
    Properties withTimeouts(String url, Properties given) {
        Properties settings = new Properties();
        settings.putAll(given);
        putUnlessNamed(settings, url, SOCKET_TIMEOUT, socketTimeout);
        putUnlessNamed(settings, url, CONNECT_TIMEOUT, connectTimeout);
        putUnlessNamed(settings, url, LOGIN_TIMEOUT, connectTimeout);
        return settings;
    }

    /** The data source for Flyway: connections whose answers are waited for without a limit, for long migrations. */
    static DataSource withoutAnswerTimeout(DataSource dataSource) {
        return new DelegatingDataSource(dataSource) {
            @Override
            public Connection getConnection() throws SQLException {
                return unlimited(super.getConnection());
            }

            @Override
            public Connection getConnection(String username, String password) throws SQLException {
                return unlimited(super.getConnection(username, password));
            }
        };
    }

    /** A pooled connection has its pool's timeout back when it is returned (Hikari resets what was changed). */
    private static Connection unlimited(Connection connection) throws SQLException {
        try {
            connection.setNetworkTimeout(Runnable::run, 0);
            return connection;
        } catch (SQLException | RuntimeException failed) {
            connection.close();
            throw failed;
        }
    }

    static boolean isPostgresql(String url) {
        return url != null && url.startsWith("jdbc:postgresql:");
    }

    private static void putUnlessNamed(Properties settings, String url, String name, Duration timeout) {
        if (!settings.containsKey(name) && !namesParameter(url, name)) {
            settings.setProperty(name, Long.toString(Math.max(1, timeout.toSeconds())));
        }
    }

    /** Whether the URL's query names the parameter, spelt as the driver reads it. */
    static boolean namesParameter(String url, String name) {
        int query = url.indexOf('?');
        if (query < 0) {
            return false;
        }
        for (String parameter : url.substring(query + 1).split("&")) {
            int equals = parameter.indexOf('=');
            if ((equals < 0 ? parameter : parameter.substring(0, equals)).equals(name)) {
                return true;
            }
        }
        return false;
    }
}
