package se.portvakt.recovery;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Journey step 3, "Forgot your password?". Until recovery by email is built (issue 4) this page says plainly
 * that it is not available yet and who can help, rather than pretending to send an email.
 */
@Controller
class RecoveryController {

    @GetMapping("/signin/forgot")
    String forgot() {
        return "recovery/unavailable";
    }
}
