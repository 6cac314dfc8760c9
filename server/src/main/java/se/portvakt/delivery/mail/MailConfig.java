package se.portvakt.delivery.mail;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSender;

import se.portvakt.delivery.outbox.DevOutbox;

/**
 * Chooses the mail adapter in one place: SMTP when {@code spring.mail.host} is set (Spring Boot then provides
 * the {@link JavaMailSender}), else the development outbox when {@code portvakt.dev-outbox.enabled=true},
 * else none: mail is refused with a clear log line, and nothing pretends to have been sent.
 */
@Configuration(proxyBeanMethods = false)
class MailConfig {

    private static final Logger log = LoggerFactory.getLogger(MailConfig.class);

    @Bean
    DevOutbox devOutbox(JdbcClient jdbc) {
        return new DevOutbox(jdbc);
    }

    // Not named "mailSender": that is the name of Spring Boot's JavaMailSender bean, and the two clash as soon as
    // spring.mail.host is set, so the server would not start with SMTP at all.
    @Bean
    MailSender portvaktMailSender(ObjectProvider<JavaMailSender> smtp, DevOutbox outbox,
            @Value("${portvakt.mail.from:Portvakt <no-reply@localhost>}") String from,
            @Value("${portvakt.dev-outbox.enabled:false}") boolean outboxEnabled) {
        JavaMailSender javaMail = smtp.getIfAvailable();
        if (javaMail != null) {
            return new SmtpMailSender(javaMail, from);
        }
        if (outboxEnabled) {
            log.warn("Mail goes to the development outbox at /dev/outbox (portvakt.dev-outbox.enabled=true); "
                    + "set spring.mail.host for real delivery");
            return message -> outbox.store("email", message.to().value(), message.subject(), message.text(),
                    message.html());
        }
        log.warn("No mail transport: set spring.mail.host (and spring.mail.*) so recovery emails can be sent");
        return message -> {
            throw new MailSender.MailDeliveryException("no mail transport is configured (spring.mail.host)", null);
        };
    }
}
