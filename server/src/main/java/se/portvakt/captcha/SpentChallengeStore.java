package se.portvakt.captcha;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import se.portvakt.housekeeping.Purge;

/**
 * Spent challenges in the database: the primary key on the challenge makes a second use fail in one statement,
 * on every node. Rows are only needed until the challenge expires, and are purged after.
 */
@Component
class SpentChallengeStore implements SpentChallenges, Purge {

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

    @Override
    public String name() {
        return "spent-challenges";
    }

    /** Challenges that expired: an expired challenge is refused without looking here. */
    @Override
    public int purgeBatch(Instant now, int batchSize) {
        return jdbc.sql("""
                DELETE FROM captcha_spent WHERE challenge IN
                    (SELECT challenge FROM captcha_spent WHERE expires_at < :now FETCH FIRST :batch ROWS ONLY)
                """)
                .param("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .param("batch", batchSize)
                .update();
    }
}
