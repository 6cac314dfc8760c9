package se.portvakt.delivery.sms;

/**
 * The port for sending a text message. Adapters: the development outbox, a generic HTTP gateway, and the APIs
 * of Twilio and 46elks; {@code SmsConfig} chooses one by {@code portvakt.sms.provider}.
 */
public interface SmsSender {

    /**
     * Sends the message, or throws {@link SmsDeliveryException} when the provider refused it or did not answer
     * in time. Nothing is retried here: the caller tells the person, who can ask for a new code.
     */
    void send(SmsMessage message);

    /**
     * False when no provider is configured: then SMS is not offered as a backup method at all, rather than
     * offered and failing.
     */
    default boolean canSend() {
        return true;
    }

    /** The provider refused the message or did not answer; the message says what happened, for the log. */
    final class SmsDeliveryException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public SmsDeliveryException(String message) {
            super(message);
        }

        public SmsDeliveryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
