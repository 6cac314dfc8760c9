package se.portvakt.availability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

/** Which driver settings decision 0071 adds, and which it leaves to the operator. */
class DatabaseTimeoutsTest {

    private final DatabaseTimeouts timeouts = new DatabaseTimeouts(Duration.ofSeconds(15), Duration.ofMillis(5_500));

    @Test
    void aPostgresqlPoolGetsTheSocketConnectAndLoginTimeoutsInWholeSeconds() {
        HikariDataSource pool = pool("jdbc:postgresql://db.example:5432/portvakt?sslmode=require");

        timeouts.postProcessBeforeInitialization(pool, "dataSource");

        assertThat(pool.getDataSourceProperties()).containsEntry("socketTimeout", "15")
                .containsEntry("connectTimeout", "5").containsEntry("loginTimeout", "5");
    }

    @Test
    void aTimeoutTheOperatorNamedInTheUrlOrThePoolsPropertiesIsLeftAlone() {
        HikariDataSource pool = pool("jdbc:postgresql://db.example/portvakt?socketTimeout=120&ssl=true");
        pool.addDataSourceProperty("connectTimeout", "30");

        timeouts.postProcessBeforeInitialization(pool, "dataSource");

        assertThat(pool.getDataSourceProperties()).doesNotContainKey("socketTimeout")
                .containsEntry("connectTimeout", "30").containsEntry("loginTimeout", "5");
    }

    @Test
    void anEmbeddedDatabaseGetsNone() {
        HikariDataSource pool = pool("jdbc:h2:file:./data/portvakt");

        timeouts.postProcessBeforeInitialization(pool, "dataSource");

        assertThat(pool.getDataSourceProperties()).isEmpty();
    }

    @Test
    void aParameterIsNamedOnlyInTheQueryAndOnlyWhole() {
        assertThat(DatabaseTimeouts.namesParameter("jdbc:postgresql://h/db?loginTimeout=3", "loginTimeout")).isTrue();
        assertThat(DatabaseTimeouts.namesParameter("jdbc:postgresql://h/db?a=1&socketTimeout", "socketTimeout")).isTrue();
        assertThat(DatabaseTimeouts.namesParameter("jdbc:postgresql://h/db?xsocketTimeout=3", "socketTimeout")).isFalse();
        assertThat(DatabaseTimeouts.namesParameter("jdbc:postgresql://socketTimeout/db", "socketTimeout")).isFalse();
        assertThat(new DatabaseTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(5))
                .withTimeouts("jdbc:postgresql://h/db", new Properties())).containsEntry("socketTimeout", "15");
    }

    private static HikariDataSource pool(String url) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        return pool;
    }
}
