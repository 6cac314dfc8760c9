package se.portvakt.factor.push;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.task.TaskExecutor;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;

import se.portvakt.account.AccountStore;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.delivery.mail.MailSender;
import se.portvakt.delivery.mail.MailTemplates;

/**
 * Mails the account's owner what the authenticator changed: a new device that can approve sign-ins, and "This
 * wasn't me" (someone has the password: how to change it). Sent off the request path; a failed mail is logged.
 */
@Component
class AuthenticatorNotices {

    private static final Logger log = LoggerFactory.getLogger(AuthenticatorNotices.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final AccountStore accounts;
    private final MailTemplates templates;
    private final MailSender mail;
    private final TaskExecutor background;
    private final String issuer;

    AuthenticatorNotices(AccountStore accounts, MailTemplates templates, MailSender mail,
            @Qualifier("applicationTaskExecutor") TaskExecutor background, PortvaktProperties properties) {
        this.accounts = accounts;
        this.templates = templates;
        this.mail = mail;
        this.background = background;
        this.issuer = properties.issuer();
    }

    /** A device was paired with the account: its name, when, from which address. */
    void deviceAdded(Device device, String address, Locale locale) {
        send(device.accountId(), "device-added", locale, Map.of("device", device.name(),
                "time", TIME.format(device.createdAt()), "address", address));
    }

    /** The person said a sign-in waiting for approval was not theirs: push is paused until {@code pausedUntil}. */
    void reported(String accountId, String application, String address, Instant pausedUntil, Locale locale) {
        send(accountId, "reported", locale, Map.of("device", application == null ? "" : application,
                "time", TIME.format(pausedUntil), "address", address == null ? "" : address));
    }

    private void send(String accountId, String kind, Locale locale, Map<String, Object> variables) {
        String subjectKey = "mail.authenticator." + kind + ".subject";
        background.execute(() -> {
            try {
                accounts.findById(accountId).ifPresent(account -> {
                    Map<String, Object> all = new HashMap<>(variables);
                    all.put("kind", kind);
                    all.put("link", UriComponentsBuilder.fromUriString(issuer).path("/signin/forgot")
                            .queryParam("email", account.email().value()).encode().toUriString());
                    mail.send(templates.compose("authenticator", subjectKey, account, locale, all));
                });
            } catch (RuntimeException failed) {
                log.warn("Notice {} to account {} not sent: {}", subjectKey, accountId, failed.getMessage());
            }
        });
    }
}
