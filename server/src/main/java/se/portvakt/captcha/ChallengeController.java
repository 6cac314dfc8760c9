package se.portvakt.captcha;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Hands out proof-of-work challenges to the "I'm not a robot" widget; absent (404) when a provider is configured. */
@RestController
class ChallengeController {

    private final CaptchaVerifier verifier;

    ChallengeController(CaptchaVerifier verifier) {
        this.verifier = verifier;
    }

    @GetMapping(value = CaptchaWidget.CHALLENGE_PATH, produces = "application/json")
    ResponseEntity<ProofOfWorkChallenge> challenge() {
        if (!(verifier instanceof ProofOfWorkCaptcha proofOfWork)) {
            return ResponseEntity.notFound().build();
        }
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(proofOfWork.newChallenge());
    }
}
