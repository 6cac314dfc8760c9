package se.portvakt.myaccount;

import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;

import se.portvakt.account.Account;
import se.portvakt.password.PasswordPolicy;

/**
 * My account's password page: change it (the current one, the new one twice), or create one for a person who has
 * none (a migrated person who signs in by link). Both need a recent sign-in ({@link RecentSignIn}).
 */
@Controller
class PasswordController {

    private static final String PAGE = "/account/password";
    /** The confirmation of a change, said once ({@link SaidOnce}). */
    private static final String CHANGED = "password";

    private final PasswordChange change;
    private final PasswordPolicy policy;

    PasswordController(PasswordChange change, PasswordPolicy policy) {
        this.change = change;
        this.policy = policy;
    }

    @RecentSignIn
    @GetMapping(PAGE)
    String page(@RequestAttribute(AccountGate.ACCOUNT) Account account, HttpServletRequest request, Model model) {
        if (request.getQueryString() != null) {
            return "redirect:" + PAGE; // back from the confirmation ("?continue"), or a link with a query
        }
        Object changed = SaidOnce.take(request, CHANGED); // "changed" or "created", said once after the change
        if (changed != null) {
            model.addAttribute("changed", changed);
        }
        return show(account, model);
    }

    @RecentSignIn
    @PostMapping(PAGE)
    String submit(@RequestAttribute(AccountGate.ACCOUNT) Account account,
            @RequestParam(required = false) String current, @RequestParam(required = false) String password,
            @RequestParam(required = false) String confirm, HttpServletRequest request, Locale locale, Model model) {
        PasswordChange.Outcome outcome = change.change(account, current, password, confirm, request.getRemoteAddr(),
                request.getSession().getId(), locale);
        if (outcome instanceof PasswordChange.Outcome.Changed changed) {
            // To the page again, so that reloading the confirmation never posts the form a second time.
            SaidOnce.put(request, CHANGED, changed.created() ? "created" : "changed");
            return "redirect:" + PAGE;
        }
        if (outcome instanceof PasswordChange.Outcome.Refused refused) {
            model.addAttribute("problems", refused.problems());
        } else if (outcome instanceof PasswordChange.Outcome.Locked locked) {
            model.addAttribute("error", "signin.locked");
            model.addAttribute("retryMinutes", Math.max(1, (locked.retryAfter().toSeconds() + 59) / 60));
        }
        return show(account, model);
    }

    private String show(Account account, Model model) {
        model.addAttribute("account", account);
        model.addAttribute("hasPassword", account.passwordHash().isPresent());
        model.addAttribute("minLength", policy.minLength());
        model.addAttribute("maxLength", policy.maxLength());
        model.addAttribute("sections", OverviewController.SECTIONS);
        model.addAttribute("section", "password");
        return "account/password";
    }
}
