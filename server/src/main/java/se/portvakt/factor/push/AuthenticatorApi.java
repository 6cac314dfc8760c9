package se.portvakt.factor.push;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import se.portvakt.account.AccountStore;
import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.delivery.push.PushSubscription;
import se.portvakt.ratelimit.AttemptLimiter;
import se.portvakt.ratelimit.AttemptLimiter.Admission;
import se.portvakt.ratelimit.AttemptLimiter.Counted;
import se.portvakt.ratelimit.AttemptLimiter.Limit;

/**
 * The device API of Portvakt Authenticator (decision 0019), spoken by the web app under {@code /authenticator/}
 * and the command-line authenticator: every call a compact JWS in an {@code application/jose} body of at most
 * 16 KiB, answered with JSON; no session, no cookie, no CSRF token (the signature is the proof).
 */
@RestController
@RequestMapping("/authenticator/api")
class AuthenticatorApi {

    static final String API = "/authenticator/api";
    static final int MAX_BODY = 16 * 1024;

    private final DeviceMessages messages;
    private final Pairings pairings;
    private final Devices devices;
    private final PushRequests requests;
    private final AccountStore accounts;
    private final AttemptLimiter limiter;
    private final AuthenticatorNotices notices;
    private final AuditLog audit;
    private final PortvaktProperties.Authenticator settings;
    private final String issuer;
    private final Limit failedPairings;

    AuthenticatorApi(DeviceMessages messages, Pairings pairings, Devices devices, PushRequests requests,
            AccountStore accounts, AttemptLimiter limiter, AuthenticatorNotices notices, AuditLog audit,
            PortvaktProperties properties) {
        this.messages = messages;
        this.pairings = pairings;
        this.devices = devices;
        this.requests = requests;
        this.accounts = accounts;
        this.limiter = limiter;
        this.notices = notices;
        this.audit = audit;
        this.settings = properties.authenticator();
        this.issuer = properties.issuer();
        this.failedPairings = new Limit("authenticator.pairing.address", settings.failedPairingsPerAddress(),
                settings.window());
    }

    /** A device pairs with the account whose sign-in showed the code. */
    @PostMapping("/pair")
    ResponseEntity<Object> pair(HttpServletRequest request) {
        String address = request.getRemoteAddr();
        Checked<DeviceMessages.Pairing> checked = body(request).flatMap(body -> messages.pairing(body, API + "/pair"));
        if (checked instanceof Checked.Refused<DeviceMessages.Pairing> refused) {
            return refusedPairing(refused.refusal(), address);
        }
        DeviceMessages.Pairing pairing = ((Checked.Passed<DeviceMessages.Pairing>) checked).value();
        Claims claims = pairing.claims();
        Optional<String> code = claims.string("code");
        Optional<String> name = claims.string("name").map(AuthenticatorApi::printable).filter(n -> !n.isEmpty());
        Optional<PushSubscription> push = claims.subscription("push");
        if (code.isEmpty() || name.isEmpty()) {
            return refusedPairing(Refusal.invalidRequest("code and name are required."), address);
        }
        if (claims.values().get("push") != null && push.isEmpty()) {
            return refusedPairing(Refusal.invalidRequest("push is not a Web Push subscription."), address);
        }
        Admission admission = limiter.admit(new Counted(failedPairings, address));
        if (admission instanceof Admission.Blocked blocked) {
            return refusedPairing(Refusal.slowDown(Math.max(1, blocked.retryAfter().toSeconds())), address);
        }
        Optional<Pairings.Paired> paired = pairings.pair(code.get(), name.get(), pairing.publicKey(), push);
        if (paired.isEmpty()) {
            return refusedPairing(Refusal.invalidCode(), address);
        }
        limiter.release(admission);
        Device device = paired.get().device();
        audit.record(new AuditEvent("authenticator.pair", "success", device.accountId(), null, null, address,
                "device " + device.id() + " (" + device.name() + ")"));
        notices.deviceAdded(device, address, locale(request));
        String email = accounts.findById(device.accountId()).map(a -> a.email().value()).orElse(null);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("device", device.id());
        answer.put("email", email);
        answer.put("issuer", issuer);
        return json(201, answer);
    }

    /** The account's requests still waiting for an answer. */
    @PostMapping("/pending")
    ResponseEntity<Object> pending(HttpServletRequest request) {
        return call(request, "/pending", call -> {
            List<Map<String, Object>> waiting = requests.waiting(call.device().accountId()).stream()
                    .map(this::shown)
                    .toList();
            return json(200, Map.of("requests", waiting));
        });
    }

    /** Approve (with the number the person tapped or typed) or deny a request. */
    @PostMapping("/decide")
    ResponseEntity<Object> decide(HttpServletRequest request) {
        return call(request, "/decide", call -> {
            Claims claims = call.claims();
            Optional<String> id = claims.string("request");
            Optional<PushRequests.Decision> decision = claims.string("decision").flatMap(word -> switch (word) {
                case "approve" -> Optional.of(PushRequests.Decision.APPROVE);
                case "deny" -> Optional.of(PushRequests.Decision.DENY);
                default -> Optional.empty();
            });
            Optional<Long> number = claims.whole("number").filter(n -> n >= 0 && n < 1000);
            if (id.isEmpty() || decision.isEmpty()) {
                return Refusal.invalidRequest("request and decision (approve or deny) are required.").answer();
            }
            if (decision.get() == PushRequests.Decision.APPROVE && number.isEmpty()) {
                return Refusal.invalidRequest("An approval needs the number.").answer();
            }
            PushRequests.Decided decided = requests.decide(call.device(), id.get(), decision.get(),
                    number.map(Long::intValue).orElse(null), request.getRemoteAddr());
            if (decided == PushRequests.Decided.UNKNOWN) {
                return Refusal.invalidRequest("Unknown request.").answer();
            }
            return json(200, Map.of("outcome", decided.word));
        });
    }

    /** "This wasn't me": push pauses for the account and the person is mailed how to change the password. */
    @PostMapping("/report")
    ResponseEntity<Object> report(HttpServletRequest request) {
        return call(request, "/report", call -> {
            Optional<String> id = call.claims().string("request");
            if (id.isEmpty()) {
                return Refusal.invalidRequest("request is required.").answer();
            }
            if (!requests.report(call.device(), id.get(), request.getRemoteAddr(), locale(request))) {
                return Refusal.invalidRequest("Unknown request.").answer();
            }
            return json(200, Map.of("outcome", "reported"));
        });
    }

    /** The device's new push subscription, or none ({@code "push": null}). */
    @PostMapping("/subscription")
    ResponseEntity<Object> subscription(HttpServletRequest request) {
        return call(request, "/subscription", call -> {
            Claims claims = call.claims();
            Optional<PushSubscription> push = claims.subscription("push");
            boolean none = claims.has("push") && claims.values().get("push") == null;
            if (push.isEmpty() && !none) {
                return Refusal.invalidRequest("push must be a Web Push subscription or null.").answer();
            }
            devices.subscribe(call.device().id(), push);
            audit.record(new AuditEvent("authenticator.subscription", none ? "removed" : "changed",
                    call.device().accountId(), null, null, request.getRemoteAddr(), "device " + call.device().id()));
            return ResponseEntity.noContent().build();
        });
    }

    /** The device forgets the account: its key is forgotten here too. */
    @PostMapping("/remove")
    ResponseEntity<Object> remove(HttpServletRequest request) {
        return call(request, "/remove", call -> {
            devices.removeItself(call.device(), request.getRemoteAddr());
            return ResponseEntity.noContent().build();
        });
    }

    private ResponseEntity<Object> call(HttpServletRequest request, String operation,
            Function<DeviceMessages.Call, ResponseEntity<Object>> handler) {
        Checked<DeviceMessages.Call> checked = body(request).flatMap(body -> messages.call(body, API + operation));
        if (checked instanceof Checked.Refused<DeviceMessages.Call> refused) {
            if (refused.refusal().status() == 401) {
                audit.record(new AuditEvent("authenticator.call", "failure", null, null, null, request.getRemoteAddr(),
                        operation.substring(1) + ": " + refused.refusal().description()));
            }
            return refused.refusal().answer();
        }
        return handler.apply(((Checked.Passed<DeviceMessages.Call>) checked).value());
    }

    private ResponseEntity<Object> refusedPairing(Refusal refusal, String address) {
        audit.record(new AuditEvent("authenticator.pair", refusal.status() == 429 ? "limited" : "failure", null, null,
                null, address, refusal.error() + ": " + refusal.description()));
        return refusal.answer();
    }

    private Map<String, Object> shown(PushRequests.Waiting waiting) {
        PushRequest request = waiting.request();
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("id", request.id());
        shown.put("application", waiting.application());
        shown.put("address", waiting.address());
        shown.put("place", waiting.place());
        shown.put("createdAt", request.createdAt().toString());
        shown.put("expiresAt", request.expiresAt().toString());
        shown.put("numbers", request.choices());
        shown.put("typeNumber", settings.typeNumber());
        return shown;
    }

    /** The body of an {@code application/jose} request, read up to {@link #MAX_BODY} bytes. */
    private static Checked<String> body(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/jose")) {
            return Checked.refused(Refusal.invalidRequest("Content-Type must be application/jose."));
        }
        if (request.getContentLengthLong() > MAX_BODY) {
            return Checked.refused(Refusal.invalidRequest("The body is larger than " + MAX_BODY + " bytes."));
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                return Checked.refused(Refusal.invalidRequest("The body is larger than " + MAX_BODY + " bytes."));
            }
            return Checked.passed(new String(body, StandardCharsets.US_ASCII));
        } catch (IOException broken) {
            return Checked.refused(Refusal.invalidRequest("The body could not be read."));
        }
    }

    /** The name a device gave itself, without control characters, at most 100 characters. */
    private static String printable(String name) {
        String clean = name.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
        return clean.length() <= 100 ? clean : clean.substring(0, 100);
    }

    private static Locale locale(HttpServletRequest request) {
        return "sv".equals(request.getLocale().getLanguage()) ? Locale.forLanguageTag("sv") : Locale.ENGLISH;
    }

    private static ResponseEntity<Object> json(int status, Object body) {
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .cacheControl(CacheControl.noStore())
                .body(body);
    }
}
