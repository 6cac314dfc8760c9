package se.portvakt.oidc;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import se.portvakt.factor.Sha256;
import se.portvakt.housekeeping.Purge;

/**
 * Refresh tokens that were rotated away, kept as SHA-256 with their authorization: Spring's row holds only a
 * family's newest refresh token, so this is how a used one is recognised when it comes back (RFC 9700 4.14.2).
 * A row lives as long as the family's newest token could, then is purged.
 */
@Component
class SpentRefreshTokens implements Purge {

    private final JdbcClient jdbc;

    SpentRefreshTokens(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Remembers that this token of the authorization was spent; kept until {@code familyExpiresAt}. */
    void spent(String refreshToken, String authorizationId, Instant familyExpiresAt) {
        jdbc.sql("""
                INSERT INTO spent_refresh_token (token_hash, authorization_id, expires_at)
                VALUES (:hash, :authorization, :expires)
                """)
                .param("hash", Sha256.hex(refreshToken))
                .param("authorization", authorizationId)
                .param("expires", OffsetDateTime.ofInstant(familyExpiresAt, ZoneOffset.UTC))
                .update();
    }

    /** The authorization whose refresh token this was, if it was spent (rotated away). */
    Optional<String> authorizationOf(String refreshToken) {
        return jdbc.sql("SELECT authorization_id FROM spent_refresh_token WHERE token_hash = :hash")
                .param("hash", Sha256.hex(refreshToken))
                .query(String.class)
                .optional();
    }

    @Override
    public String name() {
        return "spent-refresh-tokens";
    }

    /** Tokens whose family expired: nothing is left to revoke. */
    @Override
    public int purgeBatch(Instant now, int batchSize) {
        return jdbc.sql("""
                DELETE FROM spent_refresh_token WHERE token_hash IN
                    (SELECT token_hash FROM spent_refresh_token WHERE expires_at < :now FETCH FIRST :batch ROWS ONLY)
                """)
                .param("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .param("batch", batchSize)
                .update();
    }
}
