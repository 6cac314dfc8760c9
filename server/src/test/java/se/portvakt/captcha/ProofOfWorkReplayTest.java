package se.portvakt.captcha;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import tools.jackson.databind.json.JsonMapper;

/** A challenge served by the running server, solved once, passes once: the database refuses every replay. */
abstract class ProofOfWorkReplayTest {

    @OnH2
    static class OnEmbeddedDatabase extends ProofOfWorkReplayTest {}

    @OnPostgres
    static class OnPostgreSql extends ProofOfWorkReplayTest {}

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    CaptchaVerifier captcha;

    @Autowired
    SpentChallengeStore store;

    @Autowired
    JdbcClient jdbc;

    @Test
    void theChallengeEndpointServesAFreshUncachedChallenge() {
        HttpResponse<String> first = new HttpAgent(issuer).get("/captcha/challenge");
        HttpResponse<String> second = new HttpAgent(issuer).get("/captcha/challenge");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(first.headers().firstValue("Cache-Control")).hasValueSatisfying(cache -> assertThat(cache).contains("no-store"));
        ProofOfWorkChallenge challenge = challenge(first);
        assertThat(challenge.algorithm()).isEqualTo("SHA-256");
        assertThat(challenge.maxnumber()).isEqualTo(20_000);
        assertThat(challenge(second).challenge()).isNotEqualTo(challenge.challenge());
    }

    @Test
    void aSolvedChallengePassesOnceAndItsReplayFails() {
        String token = ProofOfWorkCaptchaTest.solved(challenge(new HttpAgent(issuer).get("/captcha/challenge")));

        assertThat(captcha.verify(token, "192.0.2.7")).isEqualTo(new CaptchaResult.Passed());
        assertThat(captcha.verify(token, "192.0.2.7")).isEqualTo(new CaptchaResult.Failed("replayed"));
    }

    @Test
    void twentyParallelSubmissionsOfOneSolutionPassExactlyOnce() throws Exception {
        String token = ProofOfWorkCaptchaTest.solved(challenge(new HttpAgent(issuer).get("/captcha/challenge")));
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Callable<CaptchaResult>> submissions = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                submissions.add(() -> captcha.verify(token, null));
            }
            List<CaptchaResult> results = new ArrayList<>();
            for (Future<CaptchaResult> result : pool.invokeAll(submissions)) {
                results.add(result.get());
            }
            assertThat(results).filteredOn(CaptchaResult::passed).hasSize(1);
            assertThat(results).filteredOn(result -> !result.passed()).containsOnly(new CaptchaResult.Failed("replayed"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void spentChallengesAreForgottenOnceExpired() {
        String expired = "e".repeat(64);
        String live = "f".repeat(64);
        assertThat(store.spend(expired, Instant.now().minusSeconds(60))).isTrue();
        assertThat(store.spend(live, Instant.now().plusSeconds(600))).isTrue();

        store.purgeBatch(Instant.now(), 1_000);

        assertThat(jdbc.sql("SELECT challenge FROM captcha_spent WHERE challenge IN (:ids)")
                .param("ids", List.of(expired, live)).query(String.class).list()).containsExactly(live);
    }

    private static ProofOfWorkChallenge challenge(HttpResponse<String> response) {
        return JsonMapper.builder().build().readValue(response.body(), ProofOfWorkChallenge.class);
    }
}
