package se.portvakt.myaccount;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;

import se.portvakt.account.Account;
import se.portvakt.myaccount.SignInHistory.SignIn;
import se.portvakt.signin.SessionSignIn;

/**
 * My account's overview: the person's name and email, the sign-in before this one (when, which browser on which
 * system, from which address) and how many wrong passwords and codes were typed for the account since then, so that
 * a stranger's sign-in or guessing is noticed.
 */
@Controller
class OverviewController {

    /**
     * As the notice mails write times (the server does not know the browser's time zone), kept on one line by
     * no-break spaces.
     */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'\u00a0'HH:mm'\u00a0UTC'")
            .withZone(ZoneOffset.UTC);

    /** The sections of My account that exist, in the order of the navigation (message keys under account.nav). */
    static final List<String> SECTIONS = List.of("overview", "password", "methods", "sessions", "applications",
            "activity");

    private final SignInHistory history;
    private final MessageSource messages;

    OverviewController(SignInHistory history, MessageSource messages) {
        this.history = history;
        this.messages = messages;
    }

    /** What the page says of the previous sign-in, its words ready to show. */
    record PreviousSignIn(ShownTime time, String browser, String address) {}

    @GetMapping("/account")
    String overview(@RequestAttribute(AccountGate.ACCOUNT) Account account, HttpServletRequest request, Locale locale,
            Model model) {
        if (request.getQueryString() != null) {
            // Back from the sign-in ("?continue"), or a link with a query: the plain address, which a person may keep.
            return "redirect:/account";
        }
        Optional<SignIn> previous = history.previous(account.id(), SessionSignIn.eventOf(request));
        model.addAttribute("account", account);
        model.addAttribute("name", account.name() != null && !account.name().isBlank() ? account.name() : null);
        model.addAttribute("previous", previous.map(signIn -> words(signIn, locale)).orElse(null));
        model.addAttribute("failures", history.failedAttemptsSince(account.id(), previous.map(SignIn::id).orElse(0L)));
        model.addAttribute("sections", SECTIONS);
        model.addAttribute("section", "overview");
        return "account/overview";
    }

    private PreviousSignIn words(SignIn signIn, Locale locale) {
        BrowserAndSystem browser = BrowserAndSystem.of(signIn.userAgent());
        return new PreviousSignIn(ShownTime.of(signIn.at()),
                messages.getMessage(browser.messageKey(), browser.arguments(), locale),
                ShownAddress.of(signIn.address()));
    }
}
