package se.portvakt.factor;

import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.task.TaskExecutor;
import org.springframework.stereotype.Component;

import se.portvakt.account.Account;
import se.portvakt.delivery.mail.MailSender;
import se.portvakt.delivery.mail.MailTemplates;

/**
 * Tells the account's owner by email when its second factors change or the emergency code is used, so that a
 * person whose password was stolen learns of it. Sent off the request path; a failed mail is logged, never
 * shown to the person signing in.
 */
@Component
public class FactorNotices {

    private static final Logger log = LoggerFactory.getLogger(FactorNotices.class);

    private final MailTemplates templates;
    private final MailSender mail;
    private final TaskExecutor background;

    FactorNotices(MailTemplates templates, MailSender mail, @Qualifier("applicationTaskExecutor") TaskExecutor background) {
        this.templates = templates;
        this.mail = mail;
        this.background = background;
    }

    /** A new way to confirm it is you was added. */
    public void factorAdded(Account account, FactorKind kind, Locale locale) {
        send(account, "mail.factor-added.subject", "mail.factor-added." + kind.name().toLowerCase(Locale.ROOT), locale);
    }

    /** The emergency code signed in (and is spent). */
    public void emergencyCodeUsed(Account account, Locale locale) {
        send(account, "mail.emergency-code-used.subject", "mail.emergency-code-used.text", locale);
    }

    /** Two-factor authentication was turned off. */
    public void twoFactorOff(Account account, Locale locale) {
        send(account, "mail.two-factor-off.subject", "mail.two-factor-off.text", locale);
    }

    /** A way to confirm it is you was removed on My account (push: a Portvakt Authenticator device). */
    public void factorRemoved(Account account, FactorKind kind, Locale locale) {
        send(account, "mail.factor-removed.subject", "mail.factor-removed." + kind.name().toLowerCase(Locale.ROOT), locale);
    }

    /** A Portvakt Authenticator device was renamed on My account. */
    public void deviceRenamed(Account account, Locale locale) {
        send(account, "mail.device-renamed.subject", "mail.device-renamed.text", locale);
    }

    /** A new emergency code was saved on My account; the old one no longer works. */
    public void emergencyCodeReplaced(Account account, Locale locale) {
        send(account, "mail.emergency-code-replaced.subject", "mail.emergency-code-replaced.text", locale);
    }

    /** The first emergency code was saved on My account (there was no old one to stop working). */
    public void emergencyCodeSaved(Account account, Locale locale) {
        send(account, "mail.emergency-code-saved.subject", "mail.emergency-code-saved.text", locale);
    }

    /** Two-factor authentication was turned off on My account (not with the emergency code). */
    public void twoFactorTurnedOff(Account account, Locale locale) {
        send(account, "mail.two-factor-off.subject", "mail.two-factor-off.account.text", locale);
    }

    private void send(Account account, String subjectKey, String textKey, Locale locale) {
        background.execute(() -> {
            try {
                mail.send(templates.compose("notice", subjectKey, account, locale,
                        Map.of("subjectKey", subjectKey, "textKey", textKey)));
            } catch (RuntimeException failed) {
                log.warn("Notice {} to account {} not sent: {}", subjectKey, account.id(), failed.getMessage());
            }
        });
    }
}
