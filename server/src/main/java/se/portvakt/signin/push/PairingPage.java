package se.portvakt.signin.push;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import se.portvakt.config.PortvaktProperties;
import se.portvakt.factor.push.PairingCode;
import se.portvakt.web.QrCodeSvg;

/**
 * What a page that pairs Portvakt Authenticator shows of its code (journey step 4a): the QR code of its link, the
 * code typed out and how long it works, for the fragment {@code signin/authenticator-pairing :: pairing}. The
 * sign-in's pairing step and My account's "Add Portvakt Authenticator" show the same.
 */
@Component
public class PairingPage {

    private final MessageSource messages;
    private final String issuer;

    PairingPage(MessageSource messages, PortvaktProperties properties) {
        this.messages = messages;
        this.issuer = properties.issuer();
    }

    /** Puts the code's QR code, link, typed form and minutes left on the page's model. */
    public void show(PairingCode code, Locale locale, Model model) {
        String link = code.link(issuer);
        model.addAttribute("qr", QrCodeSvg.of(link, messages.getMessage("push.pair.qr", null, locale)));
        model.addAttribute("link", link);
        model.addAttribute("code", code.displayed());
        model.addAttribute("ttlMinutes",
                Math.max(1, Duration.between(Instant.now(), code.expiresAt()).plusSeconds(30).toMinutes()));
    }
}
