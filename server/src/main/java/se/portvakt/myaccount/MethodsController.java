package se.portvakt.myaccount;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
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
import se.portvakt.myaccount.TwoFactorMethods.Methods;
import se.portvakt.myaccount.TwoFactorMethods.Outcome;

/**
 * My account's two-factor methods: viewing them needs only the session; removing one, renaming a device, a new
 * emergency code and turning 2FA off need a recent sign-in ({@link RecentSignIn}). Devices are named by their ids,
 * which only sign their own calls (the key is on the phone); one that is not the person's is "not found".
 */
@Controller
class MethodsController {

    private static final String PAGE = "/account/methods";
    private static final String EMERGENCY = PAGE + "/emergency-code";

    private final TwoFactorMethods methods;
    private final EmergencyCodes codes;

    MethodsController(TwoFactorMethods methods, EmergencyCodes codes) {
        this.methods = methods;
        this.codes = codes;
    }

    /** A method as the page shows it, its times ready; {@code used} null when never used. */
    record Shown(String id, String name, String phone, String added, String used) {}

    /** What a change that went through says on the page it leads to ({@code ?done=}; flash maps are not kept). */
    private static final java.util.Set<String> DONE = java.util.Set.of("removed", "renamed", "emergency", "turned-off");

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
        return emergencyPage(codes.issue(account.id()), model);
    }

    /** "Done": the box ticked and the code the one shown, it replaces the old code. */
    @RecentSignIn
    @PostMapping(EMERGENCY)
    String saveEmergencyCode(@RequestAttribute(AccountGate.ACCOUNT) Account account,
            @RequestParam(required = false) String code, @RequestParam(required = false) String stored,
            HttpServletRequest request, HttpServletResponse response, Locale locale, Model model) {
        String error = !"on".equals(stored) ? "twofactor.emergency.tick"
                : codes.confirmShown(account.id(), code == null ? "" : code) ? null : "twofactor.emergency.stale";
        if (error != null) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("error", error);
            // The same code again if it is still the one waiting, so a code already copied stays the right one.
            boolean waiting = code != null && codes.isShown(account.id(), code);
            return emergencyPage(waiting ? code : codes.issue(account.id()), model);
        }
        methods.emergencyCodeReplaced(account, request.getRemoteAddr(), locale);
        return "redirect:" + PAGE + "?done=emergency";
    }

    private String emergencyPage(String code, Model model) {
        model.addAttribute("code", code);
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
        model.addAttribute("sections", OverviewController.SECTIONS);
        model.addAttribute("section", "methods");
        return "account/methods";
    }

    private static Shown shown(String id, String name, FactorStore.Enrolled factor) {
        return new Shown(id, name, factor.phone() == null ? null : PhoneNumbers.masked(factor.phone()),
                time(factor.createdAt()), time(factor.lastUsedAt()));
    }

    private static String time(Instant instant) {
        return instant == null ? null : OverviewController.TIME.format(instant);
    }

    /** The name kept: trimmed, not blank, at most the column's length, no control characters. */
    static Optional<String> deviceName(String typed) {
        String name = typed == null ? "" : typed.strip();
        return name.isEmpty() || name.length() > TwoFactorMethods.NAME_LENGTH
                || name.codePoints().anyMatch(Character::isISOControl) ? Optional.empty() : Optional.of(name);
    }
}
