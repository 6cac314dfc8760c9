package se.portvakt.myaccount;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.MessageSource;
import org.springframework.core.task.TaskExecutor;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.client.Clients;
import se.portvakt.delivery.mail.MailSender;
import se.portvakt.delivery.mail.MailTemplates;
import se.portvakt.myaccount.RecentActivity.Event;
import se.portvakt.oidc.AccountSessions;
import se.portvakt.oidc.AccountSessions.Reason;

/**
 * "Recent activity": the person's own events of the last 90 days in plain words, newest first, paged; and "This
 * wasn't me" on a sign-in or a new way to sign in (decision 0034), which ends every session and token of the account,
 * this browser's too, and makes the next sign-in choose a new password. It only takes access away, so it needs no
 * recent sign-in: a worried person must be able to use it at once.
 */
@Controller
class ActivityController {

    private static final Logger log = LoggerFactory.getLogger(ActivityController.class);

    private final RecentActivity activity;
    private final AccountStore accounts;
    private final AccountSessions accountSessions;
    private final Clients clients;
    private final AuditLog audit;
    private final MailTemplates mail;
    private final MailSender mailSender;
    private final TaskExecutor background;
    private final MessageSource messages;

    ActivityController(RecentActivity activity, AccountStore accounts, AccountSessions accountSessions, Clients clients,
            AuditLog audit, MailTemplates mail, MailSender mailSender,
            @Qualifier("applicationTaskExecutor") TaskExecutor background, MessageSource messages) {
        this.activity = activity;
        this.accounts = accounts;
        this.accountSessions = accountSessions;
        this.clients = clients;
        this.audit = audit;
        this.mail = mail;
        this.mailSender = mailSender;
        this.background = background;
        this.messages = messages;
    }

    /** One event as the page shows it, its words ready; the handle only on events that can be reported. */
    record Shown(String handle, String sentence, ShownTime time, String device, String address) {}

    @GetMapping("/account/activity")
    String activity(@RequestAttribute(AccountGate.ACCOUNT) Account account,
            @RequestParam(required = false) String before, @RequestParam(required = false) String after,
            HttpServletRequest request, Locale locale, Model model) {
        Long olderThan = cursor(before);
        Long newerThan = cursor(after);
        if (olderThan != null && newerThan != null) {
            olderThan = null; // not a page this site links to: the newest one
            newerThan = null;
        }
        RecentActivity.Page page = activity.page(account.id(), olderThan, newerThan, Instant.now());
        model.addAttribute("events", page.events().stream()
                .map(event -> words(event, account.id(), request, locale))
                .toList());
        model.addAttribute("older", page.older());
        model.addAttribute("newer", page.newer());
        model.addAttribute("sections", OverviewController.SECTIONS);
        model.addAttribute("section", "activity");
        return "account/activity";
    }

    /**
     * "This wasn't me" on the event the handle names. A handle that names none of the person's reportable events
     * (another person's, made up, missing) gets the page again with 404 and "not found", nothing more.
     */
    @PostMapping("/account/activity/report")
    String report(@RequestAttribute(AccountGate.ACCOUNT) Account account,
            @RequestParam(name = "event", required = false) String handle, HttpServletRequest request,
            HttpServletResponse response, Locale locale, Model model) {
        Optional<Long> event = activity.reportableNamed(account.id(), handle, request.getSession(), Instant.now());
        if (event.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            model.addAttribute("notFound", true);
            return activity(account, null, null, request, locale, model);
        }
        String address = request.getRemoteAddr();
        audit.record(new AuditEvent("account.reported", "success", account.id(), account.email().value(), null,
                address, "event " + event.get()));
        accounts.requirePasswordChange(account.id());
        // Every session and token, this browser's too: whoever it was may be signed in anywhere, even here.
        accountSessions.endAll(account.id(), Reason.REPORTED, address);
        new SecurityContextLogoutHandler().logout(request, response,
                SecurityContextHolder.getContextHolderStrategy().getContext().getAuthentication());
        background.execute(() -> {
            try {
                mailSender.send(mail.compose("notice", "mail.reported.subject", account, locale,
                        Map.of("subjectKey", "mail.reported.subject", "textKey", "mail.reported.text")));
            } catch (RuntimeException failed) {
                log.warn("The report notice to account {} was not sent: {}", account.id(), failed.getMessage());
            }
        });
        model.addAttribute("email", account.email().value());
        return "account/reported";
    }

    /** A page cursor: an event id, or null for anything else (the newest page; never an error). */
    private static Long cursor(String value) {
        if (value == null || value.isEmpty() || value.length() > 19 || !value.chars().allMatch(Character::isDigit)) {
            return null;
        }
        long id = Long.parseLong(value);
        return id > 0 ? id : null;
    }

    private Shown words(Event event, String accountId, HttpServletRequest request, Locale locale) {
        String device = null;
        if (event.userAgent() != null) {
            BrowserAndSystem browser = BrowserAndSystem.of(event.userAgent());
            device = StringUtils.capitalize(messages.getMessage(browser.messageKey(), browser.arguments(), locale));
        }
        return new Shown(event.reportable() ? activity.handle(event.id(), accountId, request.getSession()) : null,
                sentence(event, locale), ShownTime.of(event.at()), device,
                event.address() == null ? null : ShownAddress.of(event.address()));
    }

    /**
     * The event in words: {@code activity.event.<type>.<outcome>.<what>} for the few whose detail says what (the
     * method added or removed: {@link #what}), else {@code .<type>.<outcome>}, else {@code .<type>}; an event type
     * this version does not know (a later version's, left in the database) gets a neutral sentence, never an error.
     */
    private String sentence(Event event, Locale locale) {
        String key = "activity.event." + event.type() + "." + event.outcome();
        if ("signin".equals(event.type()) && "success".equals(event.outcome())) {
            String factors = factors(event.detail(), locale);
            return event.clientId() == null
                    ? messages.getMessage(key + ".portvakt", new Object[] {factors}, locale)
                    : messages.getMessage(key, new Object[] {clients.displayName(event.clientId()), factors}, locale);
        }
        List<String> keys = new ArrayList<>();
        String what = what(event.detail());
        if (what != null) {
            keys.add(key + "." + what);
        }
        keys.add(key);
        keys.add("activity.event." + event.type());
        for (String candidate : keys) {
            String sentence = messages.getMessage(candidate, null, null, locale);
            if (sentence != null) {
                return sentence;
            }
        }
        return messages.getMessage("activity.event.unknown", null, locale);
    }

    /**
     * What the detail names: its part before the first comma ("totp" of "totp, replacing the old app, on My account",
     * as My account writes it; the sign-in writes the bare "totp"), when that is a word of a message key; else null.
     */
    private static String what(String detail) {
        if (detail == null) {
            return null;
        }
        int comma = detail.indexOf(',');
        String first = comma < 0 ? detail : detail.substring(0, comma);
        return first.matches("[a-z_]{1,30}") ? first : null;
    }

    /** The factors of a sign-in (their authorities, as the audit log names them) in words: "your password and ...". */
    private String factors(String detail, Locale locale) {
        List<String> words = new ArrayList<>();
        for (String authority : detail == null ? new String[0] : detail.split(" ")) {
            String word = messages.getMessage("activity.factor." + authority, null, null, locale);
            if (word != null && !words.contains(word)) {
                words.add(word);
            }
        }
        if (words.isEmpty()) {
            return messages.getMessage("activity.factor.unknown", null, locale);
        }
        String last = words.remove(words.size() - 1);
        return words.isEmpty() ? last
                : messages.getMessage("activity.factor.and", new Object[] {String.join(", ", words), last}, locale);
    }
}
