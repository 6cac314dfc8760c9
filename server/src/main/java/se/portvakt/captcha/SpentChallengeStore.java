package se.portvakt.captcha;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Spent challenges in the database: the primary key on the challenge makes a second use fail in one statement,
 * on every node. Rows are only needed until the challenge expires, and are purged after.
 */
@Component
class SpentChallengeStore implements SpentChallenges {

    private final JdbcClient jdbc;

    SpentChallengeStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean spend(String challenge, Instant expires) {
        try {
            jdbc.sql("INSERT INTO captcha_spent (challenge, expires_at) VALUES (:challenge, :expires)")
                    .param("challenge", challenge)
                    .param("expires", OffsetDateTime.ofInstant(expires, ZoneOffset.UTC))
                    .update();
            return true;
        } catch (DuplicateKeyException replayed) {
            return false;
        }
    }

    /** Forgets challenges that expired before the instant: an expired challenge is refused without looking here. */
    int purgeExpiredBefore(Instant instant) {
        return jdbc.sql("DELETE FROM captcha_spent WHERE expires_at < :before")
                .param("before", OffsetDateTime.ofInstant(instant, ZoneOffset.UTC))
                .update();
    }

    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT2M")
    void purgeExpired() {
        purgeExpiredBefore(Instant.now());
    }
}
