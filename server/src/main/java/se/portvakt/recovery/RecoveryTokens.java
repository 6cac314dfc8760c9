package se.portvakt.recovery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import se.portvakt.housekeeping.Purge;

/**
 * The secrets in recovery links: 256 random bits from {@link SecureRandom}, stored only as their SHA-256,
 * expiring, voided by a newer link of the same kind, and spent by one atomic UPDATE, so two requests racing
 * with the same link cannot both succeed. Opening a link (GET) only looks; the person's button (POST) spends it.
 */
@Repository
class RecoveryTokens implements Purge {

    /** Who a valid link is for, and which sign-in asked for it. */
    record Grant(String accountId, String flowId) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;

    RecoveryTokens(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A new link secret for the account; older unused links of the same kind stop working. */
    @Transactional
    String issue(LinkKind kind, String accountId, String flowId, Duration ttl) {
        OffsetDateTime now = utc(Instant.now());
        jdbc.sql("""
                UPDATE recovery_token SET voided_at = :now
                WHERE account_id = :account AND kind = :kind AND used_at IS NULL AND voided_at IS NULL
                """)
                .param("now", now)
                .param("account", accountId)
                .param("kind", kind.name())
                .update();
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        jdbc.sql("""
                INSERT INTO recovery_token (token_hash, kind, account_id, flow_id, created_at, expires_at)
                VALUES (:hash, :kind, :account, :flow, :now, :expires)
                """)
                .param("hash", hash(token))
                .param("kind", kind.name())
                .param("account", accountId)
                .param("flow", flowId)
                .param("now", now)
                .param("expires", now.plus(ttl))
                .update();
        return token;
    }

    /** Voids every unused link of the account, of both kinds (its password changed). */
    void voidUnused(String accountId) {
        jdbc.sql("""
                UPDATE recovery_token SET voided_at = :now
                WHERE account_id = :account AND used_at IS NULL AND voided_at IS NULL
                """)
                .param("now", utc(Instant.now()))
                .param("account", accountId)
                .update();
    }

    /** Whether the link would work now, without spending it. */
    Optional<Grant> peek(LinkKind kind, String token) {
        if (!wellFormed(token)) {
            return Optional.empty();
        }
        return jdbc.sql("""
                SELECT account_id, flow_id FROM recovery_token
                WHERE token_hash = :hash AND kind = :kind AND used_at IS NULL AND voided_at IS NULL AND expires_at > :now
                """)
                .param("hash", hash(token))
                .param("kind", kind.name())
                .param("now", utc(Instant.now()))
                .query((rs, row) -> new Grant(rs.getString("account_id"), rs.getString("flow_id")))
                .optional();
    }

    /** Spends the link: exactly one caller gets the grant, every other (and any later) caller gets nothing. */
    @Transactional
    Optional<Grant> spend(LinkKind kind, String token) {
        if (!wellFormed(token)) {
            return Optional.empty();
        }
        String hash = hash(token);
        int spent = jdbc.sql("""
                UPDATE recovery_token SET used_at = :now
                WHERE token_hash = :hash AND kind = :kind AND used_at IS NULL AND voided_at IS NULL AND expires_at > :now
                """)
                .param("now", utc(Instant.now()))
                .param("hash", hash)
                .param("kind", kind.name())
                .update();
        if (spent != 1) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT account_id, flow_id FROM recovery_token WHERE token_hash = :hash")
                .param("hash", hash)
                .query((rs, row) -> new Grant(rs.getString("account_id"), rs.getString("flow_id")))
                .optional();
    }

    @Override
    public String name() {
        return "recovery-tokens";
    }

    /** Links 30 days after they expired. */
    @Override
    public int purgeBatch(Instant now, int batchSize) {
        return jdbc.sql("""
                DELETE FROM recovery_token WHERE token_hash IN
                    (SELECT token_hash FROM recovery_token WHERE expires_at < :before FETCH FIRST :batch ROWS ONLY)
                """)
                .param("before", utc(now.minus(Duration.ofDays(30))))
                .param("batch", batchSize)
                .update();
    }

    private static boolean wellFormed(String token) {
        return token != null && token.length() == 43 && token.matches("[A-Za-z0-9_-]+");
    }

    private static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
