package se.portvakt.recovery;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import se.portvakt.account.Account;
import se.portvakt.account.EmailAddress;
import se.portvakt.captcha.CaptchaResult;
import se.portvakt.captcha.CaptchaVerifier;
import se.portvakt.password.PasswordPolicy;
import se.portvakt.signin.KnownBrowsers;
import se.portvakt.signin.SignInJourney;

/**
 * Journey step 3, "Forgot your password / create your password": asking for a reset link or a one-time
 * sign-in link, and the pages those links open. Opening a link (GET) shows the person's button and never
 * spends it, because mail scanners open every link in a message; the button (POST) spends it.
 */
@Controller
class RecoveryController {

    private final RecoveryService recovery;
    private final SignInJourney journey;
    private final PasswordPolicy policy;
    private final CaptchaVerifier captcha;
    private final KnownBrowsers knownBrowsers;

    RecoveryController(RecoveryService recovery, SignInJourney journey, PasswordPolicy policy, CaptchaVerifier captcha,
            KnownBrowsers knownBrowsers) {
        this.recovery = recovery;
        this.journey = journey;
        this.policy = policy;
        this.captcha = captcha;
        this.knownBrowsers = knownBrowsers;
    }

    @GetMapping("/signin/forgot")
    String forgot(@RequestParam(required = false) String email, HttpServletRequest request, Model model) {
        model.addAttribute("email", journey.currentEmail(request).map(EmailAddress::value)
                .orElse(email == null ? "" : email));
        return "recovery/forgot";
    }

    @PostMapping("/signin/forgot")
    String sendLink(@RequestParam(required = false) String email, @RequestParam(required = false) String kind,
            @RequestParam(name = CaptchaVerifier.FORM_FIELD, required = false) String captchaToken,
            HttpServletRequest request, Locale locale, Model model) {
        Optional<EmailAddress> address = EmailAddress.parse(email);
        LinkKind linkKind = "link".equals(kind) ? LinkKind.SIGNIN_LINK : "reset".equals(kind) ? LinkKind.RESET : null;
        String error = address.isEmpty() ? "signin.email.invalid"
                : linkKind == null ? "recovery.choose"
                : captchaProblem(captchaToken, email, request);
        if (error != null) {
            model.addAttribute("error", error);
            model.addAttribute("email", email == null ? "" : email);
            return "recovery/forgot";
        }
        recovery.requestLink(linkKind, address.get(), request.getRemoteAddr(), knownBrowsers.presented(request),
                client(request), journey.currentFlowId(request).orElse(null), locale);
        return "recovery/check-email";
    }

    @GetMapping("/recovery/reset")
    String resetPage(@RequestParam(required = false) String token, HttpServletRequest request, Model model) {
        Optional<Account> account = tryLink(LinkKind.RESET, token, request);
        if (account.isEmpty()) {
            return invalidLink(model, LinkKind.RESET);
        }
        model.addAttribute("token", token);
        model.addAttribute("email", account.get().email().value());
        model.addAttribute("minLength", policy.minLength());
        return "recovery/reset";
    }

    @PostMapping("/recovery/reset")
    String reset(@RequestParam(required = false) String token, @RequestParam(required = false) String password,
            @RequestParam(required = false) String confirm, HttpServletRequest request, HttpServletResponse response,
            Locale locale, Model model) {
        String address = request.getRemoteAddr();
        String client = client(request);
        if (!recovery.mayTryLinks(LinkKind.RESET, address, client)) {
            return invalidLink(model, LinkKind.RESET);
        }
        Optional<Account> account = recovery.peek(LinkKind.RESET, token);
        if (account.isEmpty()) {
            recovery.linkFailed(LinkKind.RESET, address, client);
            return invalidLink(model, LinkKind.RESET);
        }
        String newPassword = password == null ? "" : password;
        List<String> problems = policy.check(newPassword, account.get().email()).stream()
                .map(PasswordPolicy.Violation::messageKey)
                .toList();
        if (problems.isEmpty() && !newPassword.equals(confirm)) {
            problems = List.of("password.rule.mismatch");
        }
        if (!problems.isEmpty()) {
            model.addAttribute("token", token);
            model.addAttribute("email", account.get().email().value());
            model.addAttribute("minLength", policy.minLength());
            model.addAttribute("maxLength", policy.maxLength());
            model.addAttribute("problems", problems);
            return "recovery/reset";
        }
        String browserFlowId = journey.currentFlowId(request).orElse(null);
        Optional<RecoveryService.Used> used = recovery.resetPassword(token, newPassword, browserFlowId, address, client,
                locale);
        if (used.isEmpty()) {
            return invalidLink(model, LinkKind.RESET);
        }
        if (browserFlowId != null && browserFlowId.equals(used.get().flowId())) {
            return "redirect:" + journey.continueWithEmailLink(request, response, used.get().account(), used.get().flowId());
        }
        model.addAttribute("email", used.get().account().email().value());
        return "recovery/password-changed";
    }

    @GetMapping("/recovery/link")
    String linkPage(@RequestParam(required = false) String token, HttpServletRequest request, Model model) {
        Optional<Account> account = tryLink(LinkKind.SIGNIN_LINK, token, request);
        if (account.isEmpty()) {
            return invalidLink(model, LinkKind.SIGNIN_LINK);
        }
        model.addAttribute("token", token);
        model.addAttribute("email", account.get().email().value());
        return "recovery/link";
    }

    @PostMapping("/recovery/link")
    String useLink(@RequestParam(required = false) String token, HttpServletRequest request,
            HttpServletResponse response, Model model) {
        String address = request.getRemoteAddr();
        String client = client(request);
        if (!recovery.mayTryLinks(LinkKind.SIGNIN_LINK, address, client)) {
            return invalidLink(model, LinkKind.SIGNIN_LINK);
        }
        Optional<RecoveryService.Used> used = recovery.useSignInLink(token, address, client);
        if (used.isEmpty()) {
            return invalidLink(model, LinkKind.SIGNIN_LINK);
        }
        return "redirect:" + journey.continueWithEmailLink(request, response, used.get().account(), used.get().flowId());
    }

    /**
     * The message for a missing or failed CAPTCHA, or null when it passed. Nothing is sent without a pass; the
     * check fails closed when the provider cannot answer.
     */
    private String captchaProblem(String token, String email, HttpServletRequest request) {
        CaptchaResult result = captcha.verify(token, request.getRemoteAddr());
        if (result.passed()) {
            return null;
        }
        recovery.captchaFailed(email, request.getRemoteAddr(), client(request), result);
        return result instanceof CaptchaResult.Unavailable ? "captcha.unavailable" : "captcha.missing";
    }

    /**
     * The account of a link that is opened, without spending it. Opening counts toward the limit of failed links
     * like pressing the button does, or the page would answer unlimited guesses about which links work.
     */
    private Optional<Account> tryLink(LinkKind kind, String token, HttpServletRequest request) {
        String address = request.getRemoteAddr();
        String client = client(request);
        if (!recovery.mayTryLinks(kind, address, client)) {
            return Optional.empty();
        }
        Optional<Account> account = recovery.peek(kind, token);
        if (account.isEmpty()) {
            recovery.linkFailed(kind, address, client);
        }
        return account;
    }

    /** The application of this browser's sign-in, if one is in progress, for the audit log. */
    private String client(HttpServletRequest request) {
        return journey.currentClientId(request).orElse(null);
    }

    private static String invalidLink(Model model, LinkKind kind) {
        model.addAttribute("kind", kind == LinkKind.RESET ? "reset" : "link");
        return "recovery/invalid-link";
    }
}
