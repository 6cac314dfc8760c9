package se.portvakt.myaccount;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import se.portvakt.account.Account;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.factor.FactorKind;
import se.portvakt.factor.push.Device;
import se.portvakt.factor.push.DevicePaired;
import se.portvakt.factor.push.Pairings;
import se.portvakt.oidc.FactorRequirement;
import se.portvakt.signin.push.PairingPage;
import se.portvakt.web.WaitingPages;

/**
 * My account's "Add Portvakt Authenticator" (journey step 4a from My account; decision 0039): the sign-in's pairing
 * code ({@link Pairings}, {@link PairingPage}) issued to this account under a pairing id kept in this browser session
 * only, the page waiting for the app as the sign-in's does ({@link WaitingPages}), then "Next": the device that a code
 * of this session paired is the account's new method, audited and mailed; a person who had 2FA off has it on and is
 * offered an emergency code, as when the app is added.
 */
@Controller
class AddDeviceController {

    static final String PAGE = "/account/methods/device";
    private static final String METHODS = "/account/methods";
    private static final String EMERGENCY = METHODS + "/emergency-code";

    /** The session attribute naming this session's pairing: the {@code flow_id} of its codes. */
    private static final String PAIRING = AddDeviceController.class.getName() + ".pairing";

    private final Pairings pairings;
    private final PairingPage page;
    private final TwoFactorMethods methods;
    private final WaitingPages waiting;
    private final String appUrl;

    AddDeviceController(Pairings pairings, PairingPage page, TwoFactorMethods methods, WaitingPages waiting,
            PortvaktProperties properties) {
        this.pairings = pairings;
        this.page = page;
        this.methods = methods;
        this.waiting = waiting;
        this.appUrl = properties.issuer() + "/authenticator/";
    }

    /** "Add Portvakt Authenticator" (or "Show a new code"): a pairing for this session, then its page. */
    @RecentSignIn
    @PostMapping(PAGE)
    String start(HttpServletRequest request) {
        if (pairingOf(request).isEmpty()) {
            request.getSession().setAttribute(PAIRING, "account-" + UUID.randomUUID());
        }
        return "redirect:" + PAGE;
    }

    /** The pairing code as a QR code and typed out; each showing makes a new one and voids the one before. */
    @RecentSignIn
    @GetMapping(PAGE)
    String pairing(@RequestAttribute(AccountGate.ACCOUNT) Account account, HttpServletRequest request,
            Locale locale, Model model) {
        Optional<String> pairing = pairingOf(request);
        if (pairing.isEmpty() || request.getQueryString() != null) {
            return "redirect:" + (pairing.isEmpty() ? METHODS : PAGE);
        }
        return show(account, pairing.get(), locale, model);
    }

    /**
     * "Next" (sent by the page's script once the app paired): the device a code of this session paired with this
     * account is added; before that the page again with a new code. Once only: the pairing is then forgotten.
     */
    @RecentSignIn
    @FinishesPairing
    @PostMapping(PAGE + "/paired")
    String paired(@RequestAttribute(AccountGate.ACCOUNT) Account account, HttpServletRequest request,
            HttpServletResponse response, Locale locale, Model model) {
        Optional<String> pairing = pairingOf(request);
        Optional<Device> device = pairing.flatMap(id -> pairedBy(account, id));
        boolean twoFactorSession = FactorRequirement.TWO_FACTORS
                .isMetBy(SecurityContextHolder.getContextHolderStrategy().getContext().getAuthentication());
        if (device.isEmpty()) {
            if (pairing.isEmpty() || (!twoFactorSession && methods.of(account.id()).on())) {
                return "redirect:" + METHODS; // nothing of this session's to finish (the gate asks a second factor)
            }
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("error", "push.pair.not-yet");
            return show(account, pairing.get(), locale, model);
        }
        request.getSession().removeAttribute(PAIRING);
        methods.deviceAdded(account, request.getRemoteAddr(), locale);
        if (!twoFactorSession) {
            FactorPassedNow.record(FactorKind.PUSH, request, response);
        }
        if (methods.of(account.id()).of(FactorKind.EMERGENCY_CODE).isEmpty()) {
            return "redirect:" + EMERGENCY; // 2FA just turned on: an emergency code for a lost phone, shown once
        }
        return "redirect:" + METHODS + "?done=device-added";
    }

    /** Whether the app has paired yet, as Server-Sent Events (the page's script), while this session pairs. */
    @FinishesPairing
    @GetMapping(path = PAGE + "/wait", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ResponseBody
    SseEmitter stream(@RequestAttribute(AccountGate.ACCOUNT) Account account, HttpServletRequest request) {
        return pairingOf(request).map(id -> waiting.stream(id, () -> pairedBy(account, id).isPresent()))
                .orElseGet(waiting::readyNow);
    }

    /** The same for a page that polls. */
    @FinishesPairing
    @GetMapping(path = PAGE + "/wait", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    Map<String, String> poll(@RequestAttribute(AccountGate.ACCOUNT) Account account, HttpServletRequest request) {
        Optional<String> pairing = pairingOf(request);
        return waiting.poll(() -> pairing.map(id -> pairedBy(account, id).isPresent()).orElse(true));
    }

    /** A device paired on this node: the page waiting for it moves on at once. */
    @EventListener
    void paired(DevicePaired event) {
        waiting.wake(event.flowId());
    }

    private String show(Account account, String pairing, Locale locale, Model model) {
        page.show(pairings.issue(account.id(), pairing), locale, model);
        model.addAttribute("appUrl", appUrl);
        model.addAttribute("sections", OverviewController.SECTIONS);
        model.addAttribute("section", "methods");
        return "account/device";
    }

    /** The device that a code of this session's pairing paired with this account (the codes are the account's). */
    private Optional<Device> pairedBy(Account account, String pairing) {
        return pairings.pairedBy(pairing).filter(device -> device.accountId().equals(account.id()));
    }

    private static Optional<String> pairingOf(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        return Optional.ofNullable(session == null ? null : (String) session.getAttribute(PAIRING));
    }
}
