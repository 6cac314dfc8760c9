package se.portvakt.delivery.push;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import se.portvakt.delivery.outbox.DevOutbox;

/**
 * Chooses the push adapter in one place. With the development outbox enabled, push messages go there; otherwise
 * Web Push (to come with its VAPID keys; until then no message is sent and devices find requests by asking).
 */
@Configuration(proxyBeanMethods = false)
class PushConfig {

    private static final Logger log = LoggerFactory.getLogger(PushConfig.class);

    @Bean
    PushSender pushSender(DevOutbox outbox, @Value("${portvakt.dev-outbox.enabled:false}") boolean outboxEnabled) {
        if (outboxEnabled) {
            log.warn("Push messages go to the development outbox at /dev/outbox");
            return new DevOutboxPushSender(outbox);
        }
        return (to, payload, ttl) -> new PushOutcome.Failed("no push provider yet");
    }
}
