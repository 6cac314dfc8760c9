package se.portvakt.captcha;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.ratelimit.AttemptLimiter;
import se.portvakt.ratelimit.AttemptLimiter.Admission;
import se.portvakt.ratelimit.AttemptLimiter.Counted;
import se.portvakt.ratelimit.AttemptLimiter.Limit;

/**
 * Hands out proof-of-work challenges to the "I'm not a robot" widget; absent (404) when a provider is configured.
 * Each client address may fetch {@code portvakt.captcha.altcha.challenges-per-address} of them per window: a
 * challenge is cheap to make, but one who fetches them in a flood is not a person filling in a form, and every
 * fetch is counted in the database on every node. Past the limit the answer is 429 with Retry-After, audited.
 */
@RestController
class ChallengeController {

    private final CaptchaVerifier verifier;
    private final AttemptLimiter limiter;
    private final AuditLog audit;
    private final Limit perAddress;

    ChallengeController(CaptchaVerifier verifier, AttemptLimiter limiter, AuditLog audit, CaptchaProperties captcha) {
        this.verifier = verifier;
        this.limiter = limiter;
        this.audit = audit;
        this.perAddress = new Limit("captcha.challenge.address", captcha.altcha().challengesPerAddress(),
                captcha.altcha().challengeWindow());
    }

    @GetMapping(value = CaptchaWidget.CHALLENGE_PATH, produces = "application/json")
    ResponseEntity<?> challenge(HttpServletRequest request) {
        if (!(verifier instanceof ProofOfWorkCaptcha proofOfWork)) {
            return ResponseEntity.notFound().build();
        }
        String address = request.getRemoteAddr();
        if (limiter.admit(new Counted(perAddress, address)) instanceof Admission.Blocked blocked) {
            long seconds = Math.max(1, blocked.retryAfter().toSeconds());
            audit.record(new AuditEvent("captcha.challenge", "limited", null, null, null, address, null));
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                    .header("Retry-After", String.valueOf(seconds))
                    .cacheControl(CacheControl.noStore())
                    .body(Map.of("error", "too_many_requests",
                            "error_description", "Too many challenges from this address. Try again in " + seconds + " s."));
        }
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(proofOfWork.newChallenge());
    }
}
