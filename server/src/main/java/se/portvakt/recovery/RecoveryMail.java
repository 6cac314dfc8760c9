package se.portvakt.recovery;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.stereotype.Component;

import se.portvakt.account.Account;
import se.portvakt.client.Clients;
import se.portvakt.delivery.mail.MailMessage;
import se.portvakt.delivery.mail.MailTemplates;

/**
 * The recovery emails: the reset link, the one-time sign-in link, and the notice of a changed password. A link
 * asked for during a sign-in to an application names that application, so the person knows what the mail is about.
 */
@Component
class RecoveryMail {

    private final MailTemplates templates;
    private final Clients clients;

    RecoveryMail(MailTemplates templates, Clients clients) {
        this.templates = templates;
        this.clients = clients;
    }

    MailMessage resetLink(Account account, String link, long minutes, String clientId, Locale locale) {
        return templates.compose("link", "mail.reset.subject", account, locale,
                link(link, minutes, "reset", "#15803d", clientId));
    }

    MailMessage signInLink(Account account, String link, long minutes, String clientId, Locale locale) {
        return templates.compose("link", "mail.signin-link.subject", account, locale,
                link(link, minutes, "signin-link", "#1d4ed8", clientId));
    }

    private Map<String, Object> link(String link, long minutes, String kind, String color, String clientId) {
        Map<String, Object> variables = new HashMap<>(Map.of("link", link, "minutes", minutes, "kind", kind, "color", color));
        if (clientId != null) {
            variables.put("application", clients.displayName(clientId));
        }
        return variables;
    }
}
