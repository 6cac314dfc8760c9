package se.portvakt.myaccount;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;

import se.portvakt.account.Account;
import se.portvakt.factor.FactorKind;
import se.portvakt.factor.sms.PhoneNumbers;
import se.portvakt.factor.sms.SmsCodes;
import se.portvakt.myaccount.TwoFactorMethods.Methods;
import se.portvakt.signin.twofactor.SecondFactorAttempts.Verdict;
import se.portvakt.signin.twofactor.SmsNumberSetup;
import se.portvakt.signin.twofactor.SmsSending;

/**
 * "Add an SMS number" (or change it) on My account, with the sign-in's SMS backup pieces ({@link SmsNumberSetup}):
 * the number read and its code sent as there, with the same limits on texts and on wrong codes; a right code makes
 * it the account's number, replacing an old one (decision 0038). The number is a backup: it is added only beside an
 * authenticator app or a Portvakt Authenticator (or in place of a number the person has). This session keeps the
 * number it asked for, so only a code sent to that number, while it is still the one being set up, confirms it: not
 * a number another session or the sign-in put in its place, nor one whose hour has passed.
 */
@Controller
class SmsNumberController {

    static final String NUMBER = "/account/methods/sms";
    static final String CODE = NUMBER + "-code";
    /** The number (E.164) this session sent a code to. */
    static final String ASKED = SmsNumberController.class.getName() + ".number";

    private final TwoFactorMethods methods;
    private final SmsNumberSetup setup;

    SmsNumberController(TwoFactorMethods methods, SmsNumberSetup setup) {
        this.methods = methods;
        this.setup = setup;
    }

    /** The page asking for the number, as the sign-in's SMS backup page asks. */
    @RecentSignIn
    @GetMapping(NUMBER)
    String number(@RequestAttribute(AccountGate.ACCOUNT) Account account, HttpServletRequest request,
            HttpServletResponse response, Locale locale, Model model) {
        if (request.getQueryString() != null) {
            return "redirect:" + NUMBER;
        }
        Methods now = methods.of(account.id());
        if (!now.smsAllowed()) {
            return refused(response, model);
        }
        return numberPage(now, Map.of("country", PhoneNumbers.DEFAULT_REGION), locale, model);
    }

    /** The number typed: a code is sent to it (within the sign-in's limits), then the page for that code. */
    @RecentSignIn
    @PostMapping(NUMBER)
    String sendCode(@RequestAttribute(AccountGate.ACCOUNT) Account account,
            @RequestParam(required = false) String country, @RequestParam(required = false) String phone,
            HttpServletRequest request, HttpServletResponse response, Locale locale, Model model) {
        Methods now = methods.of(account.id());
        if (!now.smsAllowed()) {
            return refused(response, model);
        }
        Map<String, String> typed = Map.of("country", PhoneNumbers.isRegion(country) ? country : PhoneNumbers.DEFAULT_REGION,
                "phone", phone == null || phone.length() > 40 ? "" : phone);
        Optional<SmsCodes.Sending> sending = setup.start(who(account, request, locale), country, phone);
        if (sending.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("error", "twofactor.sms-backup.invalid");
            return numberPage(now, typed, locale, model);
        }
        if (!(sending.get() instanceof SmsCodes.Sending.Sent sent)) {
            notSent(sending.get(), response, model);
            return numberPage(now, typed, locale, model);
        }
        request.getSession().setAttribute(ASKED, sent.phone());
        return "redirect:" + CODE;
    }

    /** The page for the code sent to the number; back to the number's page when this session asked for none. */
    @RecentSignIn
    @GetMapping(CODE)
    String code(@RequestAttribute(AccountGate.ACCOUNT) Account account, HttpServletRequest request, Model model) {
        Optional<String> asked = asked(account, request);
        if (request.getQueryString() != null || asked.isEmpty()) {
            return "redirect:" + NUMBER;
        }
        return codePage(account, asked.get(), model);
    }

    /** "Send a new code", or the code: right, the number is the account's (audited, mailed) and the page says so. */
    @RecentSignIn
    @PostMapping(CODE)
    String confirm(@RequestAttribute(AccountGate.ACCOUNT) Account account,
            @RequestParam(required = false) String code, @RequestParam(required = false) String action,
            HttpServletRequest request, HttpServletResponse response, Locale locale, Model model) {
        Optional<String> asked = asked(account, request);
        String shown = asked.orElse(null);
        if ("resend".equals(action)) {
            Optional<SmsCodes.Sending> sending = asked.isEmpty() ? Optional.empty()
                    : setup.resend(who(account, request, locale));
            if (sending.isEmpty()) {
                response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
                model.addAttribute("error", "twofactor.sms.expired");
            } else {
                notSent(sending.get(), response, model);
            }
            return codePage(account, shown, model);
        }
        boolean replaced = methods.of(account.id()).of(FactorKind.SMS).isPresent();
        Verdict verdict = setup.confirm(who(account, request, locale), shown, code == null ? "" : code);
        if (verdict instanceof Verdict.Locked locked) {
            response.setStatus(429);
            model.addAttribute("error", "twofactor.locked");
            model.addAttribute("retryMinutes", minutes(locked.retryAfter()));
            return codePage(account, shown, model);
        }
        if (verdict instanceof Verdict.Wrong wrong) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("error", wrong.messageKey());
            return codePage(account, shown, model);
        }
        request.getSession().removeAttribute(ASKED);
        methods.numberAdded(account, replaced, request.getRemoteAddr(), locale);
        return "redirect:" + MethodsController.PAGE + "?done=" + (replaced ? "sms-replaced" : "sms-added");
    }

    /** The number this session asked a code for, while it is still the account's number being set up. */
    private Optional<String> asked(Account account, HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        Object asked = session == null ? null : session.getAttribute(ASKED);
        return asked instanceof String phone && setup.pendingPhone(account.id()).filter(phone::equals).isPresent()
                ? Optional.of(phone) : Optional.empty();
    }

    /** Not sent: the sign-in's message; 429 for a limit or the pause between codes, 503 when the provider failed. */
    private static void notSent(SmsCodes.Sending sending, HttpServletResponse response, Model model) {
        if (sending instanceof SmsCodes.Sending.Sent) {
            return; // the code page says where it went
        }
        response.setStatus(sending instanceof SmsCodes.Sending.TooSoon ? 429 : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        model.addAttribute("error", SmsSending.messageKey(sending));
        if (sending instanceof SmsCodes.Sending.TooSoon tooSoon && tooSoon.limitReached()) {
            model.addAttribute("retryMinutes", minutes(tooSoon.retryAfter()));
        }
    }

    private String refused(HttpServletResponse response, Model model) {
        response.setStatus(HttpServletResponse.SC_CONFLICT);
        model.addAttribute("backupOnly", true);
        model.addAttribute("sections", OverviewController.SECTIONS);
        model.addAttribute("section", "methods");
        return "account/sms-number";
    }

    private String numberPage(Methods now, Map<String, String> form, Locale locale, Model model) {
        model.addAttribute("countries", PhoneNumbers.countries(locale));
        model.addAttribute("form", form);
        frame(now, model);
        return "account/sms-number";
    }

    private String codePage(Account account, String phone, Model model) {
        // A code page whose number is gone (another session's set-up, its hour passed) names none: "expired" says why.
        model.addAttribute("phone", phone == null ? null : PhoneNumbers.masked(phone));
        frame(methods.of(account.id()), model);
        return "account/sms-code";
    }

    private static void frame(Methods now, Model model) {
        model.addAttribute("replacing", now.of(FactorKind.SMS)
                .map(number -> PhoneNumbers.masked(number.phone())).orElse(null));
        model.addAttribute("sections", OverviewController.SECTIONS);
        model.addAttribute("section", "methods");
    }

    private static SmsNumberSetup.Who who(Account account, HttpServletRequest request, Locale locale) {
        return new SmsNumberSetup.Who(account.id(), account.email().value(), null, request.getRemoteAddr(), locale);
    }

    private static long minutes(Duration retryAfter) {
        return Math.max(1, (retryAfter.toSeconds() + 59) / 60);
    }
}
