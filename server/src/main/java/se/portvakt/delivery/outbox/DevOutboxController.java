package se.portvakt.delivery.outbox;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.server.ResponseStatusException;

import se.portvakt.config.SecurityHeaders;

/** {@code /dev/outbox}: lists the messages the development outbox holds, with their links clickable. */
@Controller
@ConditionalOnProperty(name = "portvakt.dev-outbox.enabled", havingValue = "true")
class DevOutboxController {

    /**
     * For a mail's own HTML, shown in a frame of the message page: its inline styles apply (mail has no other kind),
     * nothing else loads or runs, and only the outbox's own page may frame it.
     */
    static final String MAIL_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-top-navigation-by-user-activation";

    private final DevOutbox outbox;

    DevOutboxController(DevOutbox outbox) {
        this.outbox = outbox;
    }

    @GetMapping("/dev/outbox")
    String list(Model model) {
        model.addAttribute("messages", outbox.latest(50));
        return "dev/outbox";
    }

    /** One message, its HTML body framed as the mail client would show it. */
    @GetMapping("/dev/outbox/{id}")
    String show(@PathVariable long id, Model model, HttpServletResponse response) {
        // The pages' policy, plus the one frame this page holds (Spring Security keeps a policy already set).
        response.setHeader("Content-Security-Policy", SecurityHeaders.contentSecurityPolicy(Map.of("frame-src", "'self'")));
        model.addAttribute("message", message(id));
        return "dev/message";
    }

    /** The HTML body alone, for the frame; its links open in the whole window, as from a mail client. */
    @GetMapping("/dev/outbox/{id}/mail")
    ResponseEntity<String> mail(@PathVariable long id) {
        String html = message(id).html();
        if (html == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        int head = html.indexOf("<head>");
        String framed = head < 0 ? "<base target=\"_top\">" + html
                : html.substring(0, head + 6) + "<base target=\"_top\">" + html.substring(head + 6);
        return ResponseEntity.ok()
                .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                .header("Content-Security-Policy", MAIL_POLICY)
                .header("X-Frame-Options", "SAMEORIGIN")
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(framed);
    }

    private DevOutbox.Message message(long id) {
        return outbox.latest(500).stream().filter(m -> m.id() == id).findFirst()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }
}
