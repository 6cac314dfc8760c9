package se.portvakt.captcha;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

/** The built-in "I'm not a robot" check: a solved challenge passes once; anything else is refused. */
class ProofOfWorkCaptchaTest {

    static final byte[] KEY = "a test key of 32 bytes, not more".getBytes(StandardCharsets.UTF_8);
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final Instant now = Instant.parse("2026-11-25T12:00:00Z");
    private final Set<String> spent = new HashSet<>();
    private final ProofOfWorkCaptcha captcha = captchaAt(now, KEY);

    @Test
    void aCorrectSolutionPasses() {
        ProofOfWorkChallenge challenge = captcha.newChallenge();

        assertThat(challenge.algorithm()).isEqualTo("SHA-256");
        assertThat(challenge.maxnumber()).isEqualTo(1_000);
        assertThat(challenge.challenge()).matches("[0-9a-f]{64}");
        assertThat(challenge.signature()).matches("[0-9a-f]{64}");
        assertThat(challenge.salt()).matches("[0-9a-f]{24}\\?expires=" + now.plus(Duration.ofMinutes(10)).getEpochSecond() + "&");
        assertThat(captcha.verify(solved(challenge), "192.0.2.1")).isEqualTo(new CaptchaResult.Passed());
    }

    @Test
    void theSameSolutionPassesOnlyOnce() {
        String token = solved(captcha.newChallenge());

        assertThat(captcha.verify(token, null).passed()).isTrue();
        assertThat(captcha.verify(token, null)).isEqualTo(new CaptchaResult.Failed("replayed"));
    }

    @Test
    void aWrongNumberFailsAndDoesNotSpendTheChallenge() {
        ProofOfWorkChallenge challenge = captcha.newChallenge();
        long number = solve(challenge);

        assertThat(captcha.verify(payload(challenge, Map.of("number", number == 0 ? 1 : number - 1)), null))
                .isEqualTo(new CaptchaResult.Failed("wrong number"));
        assertThat(captcha.verify(solved(challenge), null).passed()).isTrue();
    }

    @Test
    void aTamperedSignatureFails() {
        ProofOfWorkChallenge challenge = captcha.newChallenge();
        String signature = challenge.signature();
        String tampered = (signature.charAt(0) == '0' ? "1" : "0") + signature.substring(1);

        assertThat(captcha.verify(payload(challenge, Map.of("number", solve(challenge), "signature", tampered)), null))
                .isEqualTo(new CaptchaResult.Failed("signature"));
    }

    @Test
    void aChallengeSignedWithAnotherKeyFails() {
        ProofOfWorkChallenge foreign = captchaAt(now, "another key, also of 32 bytes!!!".getBytes(StandardCharsets.UTF_8))
                .newChallenge();

        assertThat(captcha.verify(solved(foreign), null)).isEqualTo(new CaptchaResult.Failed("signature"));
    }

    @Test
    void aSolutionAfterTheSaltExpiredFails() {
        ProofOfWorkChallenge challenge = captcha.newChallenge();
        ProofOfWorkCaptcha later = captchaAt(now.plus(Duration.ofMinutes(10)), KEY);

        assertThat(later.verify(solved(challenge), null)).isEqualTo(new CaptchaResult.Failed("expired"));
        assertThat(spent).isEmpty();
    }

    @Test
    void digitsMovedFromTheNumberIntoTheSaltDoNotExtendTheExpiry() {
        ProofOfWorkChallenge challenge = captcha.newChallenge();
        long number = solve(challenge);
        String digits = Long.toString(number);
        // Same hash input, so the same challenge and signature: only the closing '&' keeps "expires" as it was.
        String spliced = challenge.salt() + digits.substring(0, 1);
        long rest = digits.length() > 1 ? Long.parseLong(digits.substring(1)) : 0;
        ProofOfWorkCaptcha muchLater = captchaAt(now.plus(Duration.ofHours(2)), KEY);

        assertThat(muchLater.verify(payload(challenge, Map.of("salt", spliced, "number", rest)), null).passed()).isFalse();
    }

    @Test
    void aWrongAlgorithmFails() {
        ProofOfWorkChallenge challenge = captcha.newChallenge();

        assertThat(captcha.verify(payload(challenge, Map.of("number", solve(challenge), "algorithm", "SHA-1")), null))
                .isEqualTo(new CaptchaResult.Failed("algorithm SHA-1"));
    }

    @Test
    void nothingOrNonsenseFails() {
        assertThat(captcha.verify(null, null)).isEqualTo(new CaptchaResult.Failed("missing"));
        assertThat(captcha.verify("  ", null)).isEqualTo(new CaptchaResult.Failed("missing"));
        assertThat(captcha.verify("not base64!", null)).isEqualTo(new CaptchaResult.Failed("malformed"));
        assertThat(captcha.verify(base64("not json"), null)).isEqualTo(new CaptchaResult.Failed("malformed"));
        assertThat(captcha.verify(base64("[1,2]"), null)).isEqualTo(new CaptchaResult.Failed("malformed"));
        assertThat(captcha.verify(base64("{\"algorithm\":\"SHA-256\"}"), null)).isEqualTo(new CaptchaResult.Failed("malformed"));
        assertThat(captcha.verify("A".repeat(5_000), null)).isEqualTo(new CaptchaResult.Failed("malformed"));
        ProofOfWorkChallenge challenge = captcha.newChallenge();
        assertThat(captcha.verify(payload(challenge, Map.of("number", "12")), null)).isEqualTo(new CaptchaResult.Failed("malformed"));
        assertThat(captcha.verify(payload(challenge, Map.of("number", -1)), null)).isEqualTo(new CaptchaResult.Failed("malformed"));
        assertThat(captcha.verify(payload(challenge, Map.of("number", 1.5)), null)).isEqualTo(new CaptchaResult.Failed("malformed"));
        assertThat(spent).isEmpty();
    }

    @Test
    void theWidgetIsTheBuiltInOne() {
        assertThat(captcha.widget().proofOfWork()).isTrue();
        assertThat(captcha.widget().challengePath()).isEqualTo("/captcha/challenge");
        assertThat(captcha.widget().contentSecurityPolicy()).isEmpty();
    }

    private ProofOfWorkCaptcha captchaAt(Instant instant, byte[] key) {
        return new ProofOfWorkCaptcha(key, 1_000, Duration.ofMinutes(10), (challenge, expires) -> spent.add(challenge),
                Clock.fixed(instant, ZoneOffset.UTC));
    }

    /** What the browser does: tries numbers until SHA-256(salt + n) is the challenge. */
    static long solve(ProofOfWorkChallenge challenge) {
        for (long n = 0; n <= challenge.maxnumber(); n++) {
            if (ProofOfWorkCaptcha.sha256Hex(challenge.salt() + n).equals(challenge.challenge())) {
                return n;
            }
        }
        throw new AssertionError("no solution up to " + challenge.maxnumber());
    }

    /** The payload the browser submits for the solved challenge. */
    static String solved(ProofOfWorkChallenge challenge) {
        return payload(challenge, Map.of("number", solve(challenge)));
    }

    /** The browser's payload for the challenge with some fields replaced. */
    static String payload(ProofOfWorkChallenge challenge, Map<String, Object> replaced) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("algorithm", challenge.algorithm());
        fields.put("challenge", challenge.challenge());
        fields.put("number", null);
        fields.put("salt", challenge.salt());
        fields.put("signature", challenge.signature());
        fields.putAll(replaced);
        return base64(JSON.writeValueAsString(fields));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
