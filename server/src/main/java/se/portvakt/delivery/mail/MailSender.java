package se.portvakt.delivery.mail;

/**
 * The port for sending email. Adapters: {@link SmtpMailSender} (any SMTP server, configured by Spring Boot's
 * {@code spring.mail.*}) and the development outbox; {@link MailConfig} chooses one.
 */
public interface MailSender {

    /** Sends the message, or throws {@link MailDeliveryException} when the transport refused it. */
    void send(MailMessage message);

    /** The transport failed; the caller logs and audits it (the person sees the same neutral page). */
    final class MailDeliveryException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MailDeliveryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
