package se.portvakt.myaccount;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;

import se.portvakt.account.Account;
import se.portvakt.factor.FactorKind;
import se.portvakt.factor.FactorStore;
import se.portvakt.factor.emergency.EmergencyCodes;
import se.portvakt.factor.sms.PhoneNumbers;
import se.portvakt.factor.totp.OtpauthUri;
import se.portvakt.factor.totp.TotpFactor;
import se.portvakt.factor.totp.TotpSecret;
import se.portvakt.myaccount.TwoFactorMethods.Methods;
import se.portvakt.myaccount.TwoFactorMethods.Outcome;
import se.portvakt.web.QrCodeSvg;

/**
 * My account's two-factor methods: viewing them needs only the session; removing one, renaming a device, a new
 * emergency code and turning 2FA off need a recent sign-in ({@link RecentSignIn}). Devices are named by their ids,
 * which only sign their own calls (the key is on the phone); one that is not the person's is "not found". An
 * authenticator app is added (or replaced, for a new phone) with the sign-in's key being set up ({@link TotpFactor}:
 * the same pending key, its expiry, its first code accepted once), then the page says so (decision 0035).
 */
@Controller
class MethodsController {

    static final String PAGE = "/account/methods";
    private static final String EMERGENCY = PAGE + "/emergency-code";
    private static final String APP = PAGE + "/authenticator";

    private final TwoFactorMethods methods;
    private final EmergencyCodes codes;
    private final TotpFactor totp;
    private final MessageSource messages;

    MethodsController(TwoFactorMethods methods, EmergencyCodes codes, TotpFactor totp, MessageSource messages) {
        this.methods = methods;
        this.codes = codes;
        this.totp = totp;
        this.messages = messages;
    }

    /** A method as the page shows it, its times ready; {@code used} null when never used. */
    record Shown(String id, String name, String phone, ShownTime added, ShownTime used) {}

    /** What a change that went through says on the page it leads to ({@code ?done=}; flash maps are not kept). */
    private static final java.util.Set<String> DONE = java.util.Set.of("removed", "renamed", "emergency", "emergency-first",
            "turned-off", "app-added", "app-replaced",
            "sms-added", "sms-replaced", "device-added");

    @GetMapping(PAGE)
    String page(@RequestAttribute(AccountGate.ACCOUNT) Account account, @RequestParam(required = false) String done,
            HttpServletRequest request, Model model) {
        boolean confirmation = done != null && DONE.contains(done) && request.getParameterMap().size() == 1;
        if (request.getQueryString() != null && !confirmation) {
            return "redirect:" + PAGE; // back from the confirmation ("?continue") of a change: the plain address
        }
        if (confirmation) {
            model.addAttribute("done", done);
        }
        return show(account, model);
    }

    @RecentSignIn
    @PostMapping(PAGE)
    String change(@RequestAttribute(AccountGate.ACCOUNT) Account account,
            @RequestParam(required = false) String action, @RequestParam(required = false) String device,
            @RequestParam(required = false) String name, HttpServletRequest request, HttpServletResponse response,
            Locale locale, Model model) {
        String address = request.getRemoteAddr();
        Outcome outcome;
        switch (action == null ? "" : action) {
            case "remove-app" -> outcome = methods.removeApp(account, address, locale);
            case "remove-sms" -> outcome = methods.removeNumber(account, address, locale);
            case "remove-device" -> outcome = methods.removeDevice(account, device, address, locale);
            case "rename-device" -> {
                Optional<String> kept = deviceName(name);
                if (kept.isEmpty()) {
                    response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
                    model.addAttribute("badName", true);
                    return show(account, model);
                }
                outcome = methods.renameDevice(account, device, kept.get(), address, locale);
            }
            case "off" -> outcome = methods.turnOff(account, address, locale);
            default -> outcome = Outcome.NOT_FOUND;
        }
        switch (outcome) {
            case NOT_FOUND -> {
                response.setStatus(HttpServletResponse.SC_NOT_FOUND);
                model.addAttribute("notFound", true);
                return show(account, model);
            }
            case REQUIRED -> {
                response.setStatus(HttpServletResponse.SC_CONFLICT);
                model.addAttribute("required", methods.requiringApplication(account.id()).orElse("An application"));
                return show(account, model);
            }
            case TURNED_OFF -> {
                return "redirect:" + PAGE + "?done=turned-off";
            }
            default -> {
                return "redirect:" + PAGE + "?done=" + (action.equals("rename-device") ? "renamed" : "removed");
            }
        }
    }

    /** "Add an authenticator app" (or replace it): the QR code and key being set up, and a field for its first code. */
    @RecentSignIn
    @GetMapping(APP)
    String authenticator(@RequestAttribute(AccountGate.ACCOUNT) Account account, HttpServletRequest request,
            Locale locale, Model model) {
        if (request.getQueryString() != null) {
            return "redirect:" + APP;
        }
        return authenticatorPage(account, locale, model);
    }

    /**
     * The app's first code: right, the key becomes the account's (replacing an older app) and two-factor
     * authentication is on; a person who had none is then given an emergency code, as the sign-in does.
     */
    @RecentSignIn
    @PostMapping(APP)
    String addAuthenticator(@RequestAttribute(AccountGate.ACCOUNT) Account account,
            @RequestParam(required = false) String code, HttpServletRequest request, HttpServletResponse response,
            Locale locale, Model model) {
        Methods before = methods.of(account.id());
        String typed = code == null ? "" : code.replace(" ", "");
        if (!typed.matches("[0-9]{6,8}") || !totp.confirmSetup(account.id(), typed)) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("error", "twofactor.setup.code.invalid");
            return authenticatorPage(account, locale, model);
        }
        boolean replaced = before.of(FactorKind.TOTP).isPresent();
        methods.appAdded(account, replaced, request.getRemoteAddr(), locale);
        if (!before.on()) {
            FactorPassedNow.record(FactorKind.TOTP, request, response);
        }
        if (before.of(FactorKind.EMERGENCY_CODE).isEmpty()) {
            return "redirect:" + EMERGENCY; // 2FA just turned on: an emergency code for a lost phone, shown once
        }
        return "redirect:" + PAGE + "?done=" + (replaced ? "app-replaced" : "app-added");
    }

    private String authenticatorPage(Account account, Locale locale, Model model) {
        TotpSecret key = totp.setupKey(account.id());
        String issuer = messages.getMessage("app.name", null, locale);
        String qrLabel = messages.getMessage("twofactor.setup.qr", null, locale);
        model.addAttribute("qr", QrCodeSvg.of(OtpauthUri.of(issuer, account.email().value(), key), qrLabel));
        model.addAttribute("key", key.grouped());
        model.addAttribute("replacing", methods.of(account.id()).of(FactorKind.TOTP).isPresent());
        model.addAttribute("sections", OverviewController.SECTIONS);
        model.addAttribute("section", "methods");
        return "account/authenticator";
    }

    /** A new emergency code, shown once; the old one works until "Done". */
    @RecentSignIn
    @GetMapping(EMERGENCY)
    String emergencyCode(@RequestAttribute(AccountGate.ACCOUNT) Account account, HttpServletRequest request,
            Model model) {
        if (request.getQueryString() != null) {
            return "redirect:" + EMERGENCY;
        }
        if (!methods.of(account.id()).on()) {
            return "redirect:" + PAGE; // an emergency code without 2FA would be the only factor
        }
        return emergencyPage(account, codes.issue(account.id()), model);
    }

    /** "Done": the box ticked and the code the one shown, it replaces the old code. */
    @RecentSignIn
    @PostMapping(EMERGENCY)
    String saveEmergencyCode(@RequestAttribute(AccountGate.ACCOUNT) Account account,
            @RequestParam(required = false) String code, @RequestParam(required = false) String stored,
            HttpServletRequest request, HttpServletResponse response, Locale locale, Model model) {
        boolean first = methods.of(account.id()).of(FactorKind.EMERGENCY_CODE).isEmpty();
        String error = !"on".equals(stored) ? "twofactor.emergency.tick"
                : codes.confirmShown(account.id(), code == null ? "" : code) ? null : "twofactor.emergency.stale";
        if (error != null) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("error", error);
            // The same code again if it is still the one waiting, so a code already copied stays the right one.
            boolean waiting = code != null && codes.isShown(account.id(), code);
            return emergencyPage(account, waiting ? code : codes.issue(account.id()), model);
        }
        methods.emergencyCodeSaved(account, !first, request.getRemoteAddr(), locale);
        return "redirect:" + PAGE + "?done=" + (first ? "emergency-first" : "emergency");
    }

    private String emergencyPage(Account account, String code, Model model) {
        model.addAttribute("code", code);
        model.addAttribute("replaces", methods.of(account.id()).of(FactorKind.EMERGENCY_CODE).isPresent());
        model.addAttribute("sections", OverviewController.SECTIONS);
        model.addAttribute("section", "methods");
        return "account/emergency-code";
    }

    private String show(Account account, Model model) {
        Methods shown = methods.of(account.id());
        model.addAttribute("on", shown.on());
        model.addAttribute("last", shown.everyday() <= 1);
        model.addAttribute("app", shown.of(FactorKind.TOTP).map(factor -> shown(null, null, factor)).orElse(null));
        model.addAttribute("sms", shown.of(FactorKind.SMS).map(factor -> shown(null, null, factor)).orElse(null));
        model.addAttribute("emergency",
                shown.of(FactorKind.EMERGENCY_CODE).map(factor -> shown(null, null, factor)).orElse(null));
        model.addAttribute("devices", shown.devices().stream()
                .map(device -> new Shown(device.id(), device.name(), null, time(device.createdAt()),
                        time(device.lastUsedAt())))
                .toList());
        model.addAttribute("maxName", TwoFactorMethods.NAME_LENGTH);
        model.addAttribute("smsAllowed", shown.smsAllowed());
        model.addAttribute("sections", OverviewController.SECTIONS);
        model.addAttribute("section", "methods");
        return "account/methods";
    }

    private static Shown shown(String id, String name, FactorStore.Enrolled factor) {
        return new Shown(id, name, factor.phone() == null ? null : PhoneNumbers.masked(factor.phone()),
                time(factor.createdAt()), time(factor.lastUsedAt()));
    }

    private static ShownTime time(Instant instant) {
        return instant == null ? null : ShownTime.of(instant);
    }

    /** The name kept: trimmed, not blank, at most the column's length, no control characters. */
    static Optional<String> deviceName(String typed) {
        String name = typed == null ? "" : typed.strip();
        return name.isEmpty() || name.length() > TwoFactorMethods.NAME_LENGTH
                || name.codePoints().anyMatch(Character::isISOControl) ? Optional.empty() : Optional.of(name);
    }
}
