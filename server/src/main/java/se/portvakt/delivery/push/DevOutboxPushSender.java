package se.portvakt.delivery.push;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import se.portvakt.delivery.outbox.DevOutbox;

/**
 * Keeps each push message in the development outbox (channel {@value #CHANNEL}, recipient the subscription's
 * endpoint), so the demo works on one laptop without a push service; the app finds its requests by asking.
 */
final class DevOutboxPushSender implements PushSender {

    /** The outbox channel of push messages. */
    static final String CHANNEL = "push";

    private final DevOutbox outbox;

    DevOutboxPushSender(DevOutbox outbox) {
        this.outbox = outbox;
    }

    @Override
    public PushOutcome send(PushSubscription to, byte[] payload, Duration ttl) {
        outbox.store(CHANNEL, to.endpoint(), "Push", new String(payload, StandardCharsets.UTF_8), null);
        return new PushOutcome.Delivered();
    }
}
