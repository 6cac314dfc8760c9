package se.portvakt.delivery.mail;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.event.EventListener;
import org.springframework.core.task.TaskExecutor;
import org.springframework.stereotype.Component;

import se.portvakt.account.PasswordChanged;
import se.portvakt.config.PortvaktProperties;

/**
 * "Your password was changed": mailed to the account whenever its password changes, however it changed (a reset
 * link, My account, the new password asked after "This wasn't me"), so that a change the person did not make is
 * noticed. Sent in the background: the page that changed the password does not wait for the mail server.
 */
@Component
class PasswordChangedNotice {

    private static final Logger log = LoggerFactory.getLogger(PasswordChangedNotice.class);

    private final MailTemplates templates;
    private final MailSender sender;
    private final TaskExecutor background;
    private final String signInUrl;

    PasswordChangedNotice(MailTemplates templates, MailSender sender,
            @Qualifier("applicationTaskExecutor") TaskExecutor background, PortvaktProperties properties) {
        this.templates = templates;
        this.sender = sender;
        this.background = background;
        this.signInUrl = properties.issuer() + "/signin";
    }

    @EventListener
    void passwordChanged(PasswordChanged event) {
        background.execute(() -> {
            try {
                sender.send(templates.compose("password-changed", "mail.password-changed.subject", event.account(),
                        event.locale(), Map.of("link", signInUrl)));
            } catch (RuntimeException e) {
                log.error("Could not send the password-changed notice", e);
            }
        });
    }
}
