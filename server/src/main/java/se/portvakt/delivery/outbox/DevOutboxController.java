package se.portvakt.delivery.outbox;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.server.ResponseStatusException;

/** {@code /dev/outbox}: lists the messages the development outbox holds, with their links clickable. */
@Controller
@ConditionalOnProperty(name = "portvakt.dev-outbox.enabled", havingValue = "true")
class DevOutboxController {

    private final DevOutbox outbox;

    DevOutboxController(DevOutbox outbox) {
        this.outbox = outbox;
    }

    @GetMapping("/dev/outbox")
    String list(Model model) {
        model.addAttribute("messages", outbox.latest(50));
        return "dev/outbox";
    }

    /** One message's HTML body, as the mail client would show it. */
    @GetMapping("/dev/outbox/{id}")
    String show(@PathVariable long id, Model model) {
        var message = outbox.latest(500).stream().filter(m -> m.id() == id).findFirst()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("message", message);
        return "dev/message";
    }
}
