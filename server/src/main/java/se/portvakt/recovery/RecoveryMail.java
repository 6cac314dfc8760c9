package se.portvakt.recovery;

import java.util.Locale;
import java.util.Map;

import org.springframework.stereotype.Component;

import se.portvakt.account.Account;
import se.portvakt.delivery.mail.MailMessage;
import se.portvakt.delivery.mail.MailTemplates;

/** The recovery emails: the reset link, the one-time sign-in link, and the notice of a changed password. */
@Component
class RecoveryMail {

    private final MailTemplates templates;

    RecoveryMail(MailTemplates templates) {
        this.templates = templates;
    }

    MailMessage resetLink(Account account, String link, long minutes, Locale locale) {
        return templates.compose("link", "mail.reset.subject", account, locale,
                Map.of("link", link, "minutes", minutes, "kind", "reset", "color", "#15803d"));
    }

    MailMessage signInLink(Account account, String link, long minutes, Locale locale) {
        return templates.compose("link", "mail.signin-link.subject", account, locale,
                Map.of("link", link, "minutes", minutes, "kind", "signin-link", "color", "#1d4ed8"));
    }

    MailMessage passwordChanged(Account account, String signInUrl, Locale locale) {
        return templates.compose("password-changed", "mail.password-changed.subject", account, locale,
                Map.of("link", signInUrl));
    }
}
