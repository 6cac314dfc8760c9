package se.portvakt.delivery.sms;

/**
 * One text message to one phone.
 *
 * @param to the number in E.164 form, e.g. {@code +46701234567}
 * @param text the message, short enough for one SMS
 */
public record SmsMessage(String to, String text) {

    public SmsMessage {
        if (to == null || !to.matches("\\+[1-9][0-9]{6,14}")) {
            throw new IllegalArgumentException("an SMS needs a number in E.164 form");
        }
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an SMS needs a text");
        }
    }
}
