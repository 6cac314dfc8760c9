package se.portvakt.delivery.sms;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import se.portvakt.delivery.outbox.DevOutbox;
import se.portvakt.testing.MemoryDatabase;

/** In development an SMS lands in the outbox, where the person (and a test) reads the code sent to a number. */
class DevOutboxSmsSenderTest {

    private final DevOutbox outbox = new DevOutbox(MemoryDatabase.migrated());
    private final SmsSender sender = new DevOutboxSmsSender(outbox);

    @Test
    void theTextIsKeptForTheNumberOnTheSmsChannel() {
        sender.send(new SmsMessage("+46701234567", "Your Portvakt code is 493021"));

        DevOutbox.Message stored = outbox.latest("sms", "+46701234567").orElseThrow();
        assertThat(stored.channel()).isEqualTo("sms");
        assertThat(stored.recipient()).isEqualTo("+46701234567");
        assertThat(stored.text()).isEqualTo("Your Portvakt code is 493021");
        assertThat(stored.html()).isNull();
    }

    @Test
    void theLatestSmsToANumberIsTheNewestForThatNumberOnly() {
        sender.send(new SmsMessage("+46701234567", "first code 111111"));
        sender.send(new SmsMessage("+46701234567", "second code 222222"));
        sender.send(new SmsMessage("+46709876543", "someone else's code 333333"));
        outbox.store("email", "+46701234567", "Not an SMS", "mail text", "<p>mail</p>");

        assertThat(outbox.latest("sms", "+46701234567")).get().extracting(DevOutbox.Message::text)
                .isEqualTo("second code 222222");
        assertThat(outbox.latest("sms", "+46700000000")).isEmpty();
    }
}
