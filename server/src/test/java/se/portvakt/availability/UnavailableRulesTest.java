package se.portvakt.availability;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.transaction.TransactionSystemException;

/** Who gets JSON and who a page, which link "Try again" follows, and which failures count as an outage. */
class UnavailableRulesTest {

    @Test
    void programsGetJsonAndBrowsersAPageAlsoAtTheAuthorizationEndpoint() {
        assertThat(Unavailable.isForPrograms(get("/oauth2/token"))).isTrue();
        assertThat(Unavailable.isForPrograms(get("/.well-known/openid-configuration"))).isTrue();
        assertThat(Unavailable.isForPrograms(get("/userinfo"))).isTrue();
        assertThat(Unavailable.isForPrograms(get("/captcha/challenge"))).isTrue();
        assertThat(Unavailable.isForPrograms(get("/authenticator/api/pending"))).isTrue();
        assertThat(Unavailable.isForPrograms(get("/oauth2/authorize"))).isFalse();
        assertThat(Unavailable.isForPrograms(get("/signin"))).isFalse();
        assertThat(Unavailable.isForPrograms(get("/connect/logout"))).isFalse();
    }

    @Test
    void tryAgainRepeatsAGetOnThisServerOnly() {
        MockHttpServletRequest authorize = get("/oauth2/authorize");
        authorize.setQueryString("client_id=a&state=b");
        assertThat(Unavailable.again(authorize)).isEqualTo("/oauth2/authorize?client_id=a&state=b");
        assertThat(Unavailable.again(get("//evil.example/x"))).isEmpty();
        assertThat(Unavailable.again(get("/\\evil.example/x"))).isEmpty();
        assertThat(Unavailable.again(new MockHttpServletRequest("POST", "/signin"))).isEmpty();
    }

    @Test
    void onlyConnectionFailuresAreAnOutage() {
        assertThat(DatabaseOutage.outageIn(new RuntimeException(new CannotGetJdbcConnectionException("no",
                new SQLTransientConnectionException("timed out"))))).isNotNull();
        assertThat(DatabaseOutage.outageIn(new UncategorizedSQLException("x", "SELECT 1",
                new SQLException("terminating connection due to administrator command", "57P01")))).isNotNull();
        assertThat(DatabaseOutage.outageIn(new UncategorizedSQLException("x", "SELECT 1",
                new SQLException("I/O error", "08006")))).isNotNull();
        assertThat(DatabaseOutage.outageIn(new DataIntegrityViolationException("duplicate"))).isNull();
        assertThat(DatabaseOutage.outageIn(new UncategorizedSQLException("x", "SELECT 1",
                new SQLException("syntax", "42601")))).isNull();
        assertThat(DatabaseOutage.outageIn(new IllegalStateException("a bug"))).isNull();
    }

    @Test
    void aFailedRollbackAfterAnOutageIsAnOutage() {
        // PostgreSQL stopped under load: a query fails on "terminating connection", then the rollback on the closed
        // connection; Spring throws the rollback's failure and keeps the query's as the application exception.
        TransactionSystemException rollback = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        rollback.initApplicationException(new DataAccessResourceFailureException("terminating connection",
                new SQLException("terminating connection due to administrator command", "57P01")));
        assertThat(DatabaseOutage.outageIn(new RuntimeException(rollback))).isNotNull();

        TransactionSystemException afterABug = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        afterABug.initApplicationException(new IllegalStateException("a bug"));
        assertThat(DatabaseOutage.outageIn(afterABug)).isNull();

        // A commit that got no answer (decision 0071): Spring throws the rollback's failure and only logs the commit's.
        TransactionSystemException afterACommit = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        assertThat(DatabaseOutage.outageIn(new RuntimeException(afterACommit))).isSameAs(afterACommit);
    }

    @Test
    void theEmbeddedDatabaseIsNotWaitedForAndNoPasswordIsLogged() {
        assertThat(DatabaseAtStart.isEmbedded("jdbc:h2:file:./data/portvakt")).isTrue();
        assertThat(DatabaseAtStart.isEmbedded("jdbc:h2:tcp://db/portvakt")).isFalse();
        assertThat(DatabaseAtStart.isEmbedded("jdbc:postgresql://db:5432/portvakt")).isFalse();
        assertThat(DatabaseAtStart.withoutParameters("jdbc:postgresql://db/p?user=a&password=secret"))
                .isEqualTo("jdbc:postgresql://db/p");
    }

    private static MockHttpServletRequest get(String path) {
        return new MockHttpServletRequest("GET", path);
    }
}
