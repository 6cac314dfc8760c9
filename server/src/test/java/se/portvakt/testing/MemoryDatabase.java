package se.portvakt.testing;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * An H2 database in memory with Portvakt's schema, for a focused test of one store without starting the server.
 * Each call makes a new, empty database that lives as long as the returned client is reachable.
 */
public final class MemoryDatabase {

    private MemoryDatabase() {}

    /** A new database, migrated as the server migrates its own. */
    public static JdbcClient migrated() {
        DataSource dataSource = new DriverManagerDataSource(
                "jdbc:h2:mem:" + TestDatabase.newName() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(dataSource)
                .locations("classpath:db/migration/common", "classpath:db/migration/h2")
                .load().migrate();
        return JdbcClient.create(dataSource);
    }
}
