package se.portvakt.delivery.mail;

import java.nio.charset.StandardCharsets;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;

/** Sends mail over SMTP with Spring's {@link JavaMailSender} (host, port, TLS and login from {@code spring.mail.*}). */
final class SmtpMailSender implements MailSender {

    private final JavaMailSender smtp;
    private final String from;

    SmtpMailSender(JavaMailSender smtp, String from) {
        this.smtp = smtp;
        this.from = from;
    }

    @Override
    public void send(MailMessage message) {
        try {
            MimeMessage mime = smtp.createMimeMessage();
            var helper = new MimeMessageHelper(mime, true, StandardCharsets.UTF_8.name());
            helper.setFrom(from);
            helper.setTo(message.to().value());
            helper.setSubject(message.subject());
            helper.setText(message.text(), message.html());
            smtp.send(mime);
        } catch (MessagingException | MailException e) {
            throw new MailDeliveryException("SMTP delivery to " + message.to() + " failed", e);
        }
    }
}
