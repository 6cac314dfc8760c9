package se.portvakt.captcha;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.altcha.altcha.Altcha;
import org.junit.jupiter.api.Test;

/**
 * Our proof of work speaks ALTCHA's protocol v1, checked against ALTCHA's own Java library (test scope only):
 * it accepts our solved challenges, and we accept solutions to its challenges signed with the same key.
 */
class AltchaCompatibilityTest {

    private static final String KEY = "a shared key of at least 16 bytes";

    private final ProofOfWorkCaptcha captcha = new ProofOfWorkCaptcha(KEY.getBytes(StandardCharsets.UTF_8),
            1_000, Duration.ofMinutes(10), (challenge, expires) -> true, Clock.systemUTC());

    @Test
    void altchaAcceptsOurSolvedChallenge() throws Exception {
        String payload = ProofOfWorkCaptchaTest.solved(captcha.newChallenge());

        assertThat(Altcha.verifySolution(payload, KEY, true)).isTrue();
    }

    @Test
    void weAcceptASolutionToAltchasChallenge() throws Exception {
        Altcha.Challenge theirs = Altcha.createChallenge(new Altcha.ChallengeOptions()
                .setHmacKey(KEY).setMaxNumber(1_000L).setExpiresInSeconds(600));
        Altcha.Solution solution = Altcha.solveChallenge(theirs.challenge, theirs.salt, Altcha.Algorithm.SHA256, theirs.maxnumber, 0);
        ProofOfWorkChallenge asOurs = new ProofOfWorkChallenge(theirs.algorithm, theirs.challenge, theirs.maxnumber,
                theirs.salt, theirs.signature);

        assertThat(captcha.verify(ProofOfWorkCaptchaTest.payload(asOurs, Map.of("number", solution.number)), null).passed())
                .isTrue();
    }
}
