package se.portvakt.delivery.sms;

import se.portvakt.delivery.outbox.DevOutbox;

/**
 * Keeps each SMS in the development outbox, where {@code /dev/outbox} shows it beside the mails and a test reads it
 * with {@link DevOutbox#latest(String, String)} (channel {@value #CHANNEL}, recipient the number).
 */
final class DevOutboxSmsSender implements SmsSender {

    /** The outbox channel of text messages. */
    static final String CHANNEL = "sms";

    private final DevOutbox outbox;

    DevOutboxSmsSender(DevOutbox outbox) {
        this.outbox = outbox;
    }

    @Override
    public void send(SmsMessage message) {
        // The outbox's subject column is required; an SMS has none, and the page does not show this one.
        outbox.store(CHANNEL, message.to(), "SMS", message.text(), null);
    }
}
