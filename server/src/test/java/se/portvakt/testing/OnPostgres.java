package se.portvakt.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/** Runs the test class against a started server (real HTTP on its own port) on the PostgreSQL database (127.0.0.1:5432, database test, a schema of its own). */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
        properties = {"portvakt.bootstrap=classpath:bootstrap/test.yaml", "portvakt.dev-outbox.enabled=true",
                "logging.level.root=WARN"})
@ContextConfiguration(initializers = TestDatabase.Postgres.class)
public @interface OnPostgres {}
