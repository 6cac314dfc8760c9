package se.portvakt.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;

/**
 * The production start trains its AOT cache with these requests: they must still reach the pages and endpoints
 * they are meant to warm up, not an error page, or the cache would hold the wrong path.
 */
abstract class TrainingRunTest {

    @OnH2
    static class OnEmbeddedDatabase extends TrainingRunTest {}

    @OnPostgres
    static class OnPostgreSql extends TrainingRunTest {}

    @Value("${portvakt.issuer}")
    String issuer;

    @Test
    void eachTrainingRequestGetsItsUsualAnswer() throws Exception {
        Map<String, Integer> answers = new TrainingRun(issuer, issuer).train(2);

        assertThat(answers).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("GET /actuator/health/readiness 200", 2),
                Map.entry("GET /.well-known/openid-configuration 200", 2),
                Map.entry("GET /oauth2/jwks 200", 2),
                Map.entry("GET /oauth2/authorize 400", 2),
                Map.entry("GET /signin 200", 2),
                Map.entry("GET /css/portvakt.css 200", 2),
                Map.entry("GET /js/captcha.js 200", 2),
                Map.entry("GET /captcha/challenge 200", 2),
                Map.entry("POST /signin 302", 2),
                Map.entry("GET /signin/password 200", 2),
                Map.entry("POST /oauth2/token 401", 2),
                Map.entry("GET /actuator/prometheus 200", 2)));
    }
}
