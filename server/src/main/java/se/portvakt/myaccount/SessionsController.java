package se.portvakt.myaccount;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;

import se.portvakt.account.Account;
import se.portvakt.myaccount.SignedInSessions.SignedIn;
import se.portvakt.oidc.AccountSessions;
import se.portvakt.oidc.AccountSessions.Reason;

/**
 * "Where you are signed in": each browser session of the person (browser and system, address, when it signed in and
 * was last used), this one marked; signing out of another one, or of every other one. Ending a session is a sign-out
 * of it ({@link AccountSessions#endOthers}): its applications' tokens end and they are told by back-channel logout.
 */
@Controller
class SessionsController {

    /** The confirmations of a sign-out, said once ({@link SaidOnce}). */
    private static final String ENDED = "session-ended";
    private static final String ENDED_OTHERS = "sessions-ended";

    private final SignedInSessions signedIn;
    private final AccountSessions accountSessions;
    private final MessageSource messages;

    SessionsController(SignedInSessions signedIn, AccountSessions accountSessions, MessageSource messages) {
        this.signedIn = signedIn;
        this.accountSessions = accountSessions;
        this.messages = messages;
    }

    /** One session as the page shows it, its words ready. */
    record Shown(String handle, boolean current, String device, String address, ShownTime started,
            ShownTime lastActive) {}

    @GetMapping("/account/sessions")
    String sessions(@RequestAttribute(AccountGate.ACCOUNT) Account account, HttpServletRequest request, Locale locale,
            Model model) {
        // A sign-out's confirmation, said once on the page it leads to.
        Object ended = SaidOnce.take(request, ENDED);
        if (ended != null) {
            model.addAttribute("ended", 1);
        }
        Object endedOthers = SaidOnce.take(request, ENDED_OTHERS);
        if (endedOthers != null) {
            model.addAttribute("endedOthers", endedOthers);
        }
        List<Shown> shown = signedIn.of(account.id(), request.getSession()).stream()
                .map(session -> words(session, locale))
                .toList();
        model.addAttribute("sessions", shown);
        model.addAttribute("others", shown.stream().anyMatch(session -> !session.current()));
        model.addAttribute("sections", OverviewController.SECTIONS);
        model.addAttribute("section", "sessions");
        return "account/sessions";
    }

    /**
     * Signs out the other session the handle names. A handle that names none of the person's other sessions (ended
     * already, another person's, made up, missing) gets the page again with "not found" and nothing more.
     */
    @PostMapping("/account/sessions/end")
    String end(@RequestAttribute(AccountGate.ACCOUNT) Account account,
            @RequestParam(name = "session", required = false) String handle, HttpServletRequest request,
            HttpServletResponse response, Locale locale, Model model) {
        Optional<String> other = signedIn.otherSessionNamed(account.id(), handle, request.getSession());
        if (other.isEmpty() || accountSessions.endOthers(account.id(), List.of(other.get()), Reason.ENDED_BY_PERSON,
                request.getRemoteAddr()).browserSessions() == 0) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            model.addAttribute("notFound", true);
            return sessions(account, request, locale, model);
        }
        SaidOnce.put(request, ENDED, true);
        return "redirect:/account/sessions";
    }

    /** Signs out every session of the person but this one. */
    @PostMapping("/account/sessions/end-others")
    String endOthers(@RequestAttribute(AccountGate.ACCOUNT) Account account, HttpServletRequest request) {
        AccountSessions.Ended ended = accountSessions.endOthers(account.id(),
                signedIn.othersThan(account.id(), request.getSession()), Reason.ENDED_BY_PERSON,
                request.getRemoteAddr());
        SaidOnce.put(request, ENDED_OTHERS, ended.browserSessions());
        return "redirect:/account/sessions";
    }

    private Shown words(SignedIn session, Locale locale) {
        BrowserAndSystem browser = BrowserAndSystem.of(session.userAgent());
        return new Shown(session.handle(), session.current(),
                // At the start of a line: "An unknown browser", "A browser on Linux".
                StringUtils.capitalize(messages.getMessage(browser.messageKey(), browser.arguments(), locale)),
                session.address() == null ? null : ShownAddress.of(session.address()),
                ShownTime.of(session.started()), ShownTime.of(session.lastActive()));
    }
}
