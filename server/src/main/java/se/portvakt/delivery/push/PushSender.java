package se.portvakt.delivery.push;

import java.time.Duration;

/**
 * The port for waking a device with a push message. Adapters: Web Push (RFC 8030/8291/8292, no Google or Apple
 * account needed) and the development outbox; native channels (APNs, FCM) would be further adapters.
 * {@code PushConfig} chooses one by {@code portvakt.push.provider}.
 */
public interface PushSender {

    /**
     * Sends {@code payload} to the subscription, encrypted end to end where the channel allows it. Never throws
     * for a refusal or a timeout: a push that does not arrive is expected, and the device asks for its requests.
     *
     * @param ttl how long the push service may hold the message for an unreachable device
     */
    PushOutcome send(PushSubscription to, byte[] payload, Duration ttl);
}
