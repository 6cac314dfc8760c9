package se.portvakt.factor;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

import se.portvakt.housekeeping.Purge;

/**
 * The second factors of accounts ({@code account_factor}) and the ones being set up ({@code pending_factor}).
 * Single use and replay are decided by conditional statements in the database, never by a read then a write,
 * so two nodes (or two requests) cannot both pass the same secret.
 */
@Repository
public class FactorStore implements Purge {

    /** A factor being set up: its secret (encrypted key or hash) or its phone number. */
    public record Pending(String secret, String phone) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;

    FactorStore(JdbcClient jdbc, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    /** The factors this account has set up; push when it has a paired device ({@code factor.push.Devices}). */
    public Set<FactorKind> enrolled(String accountId) {
        Set<FactorKind> kinds = EnumSet.noneOf(FactorKind.class);
        jdbc.sql("""
                SELECT kind FROM account_factor WHERE account_id = :account
                UNION SELECT DISTINCT 'PUSH' FROM authenticator_device WHERE account_id = :account
                """)
                .param("account", accountId)
                .query(String.class)
                .list()
                .forEach(kind -> kinds.add(FactorKind.valueOf(kind)));
        return kinds;
    }

    /** The stored secret of an enrolled factor (TOTP: the encrypted key). */
    public Optional<String> secret(String accountId, FactorKind kind) {
        return jdbc.sql("SELECT secret FROM account_factor WHERE account_id = :account AND kind = :kind")
                .param("account", accountId)
                .param("kind", kind.name())
                .query(String.class)
                .optional();
    }

    /** The confirmed SMS number, in E.164. */
    public Optional<String> phone(String accountId) {
        return jdbc.sql("SELECT phone FROM account_factor WHERE account_id = :account AND kind = 'SMS'")
                .param("account", accountId)
                .query(String.class)
                .optional();
    }

    /** An enrolled factor as My account lists it: its kind, the SMS number (else null), when added and last used. */
    public record Enrolled(FactorKind kind, String phone, Instant createdAt, Instant lastUsedAt) {}

    /** The account's factors with their dates, in the order of {@link FactorKind} (push devices: {@code Devices}). */
    public java.util.List<Enrolled> details(String accountId) {
        return jdbc.sql("SELECT kind, phone, created_at, last_used_at FROM account_factor WHERE account_id = :account")
                .param("account", accountId)
                .query((rs, row) -> new Enrolled(FactorKind.valueOf(rs.getString("kind")), rs.getString("phone"),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        Optional.ofNullable(rs.getObject("last_used_at", OffsetDateTime.class))
                                .map(OffsetDateTime::toInstant).orElse(null)))
                .list()
                .stream()
                .sorted(java.util.Comparator.comparing(Enrolled::kind))
                .toList();
    }

    /** Removes one factor of the account (My account); false when it had none of that kind. */
    public boolean remove(String accountId, FactorKind kind) {
        return jdbc.sql("DELETE FROM account_factor WHERE account_id = :account AND kind = :kind")
                .param("account", accountId)
                .param("kind", kind.name())
                .update() == 1;
    }

    /** Starts setting up a factor, replacing a set-up of the same kind that was not finished. */
    public void savePending(String accountId, FactorKind kind, String secret, String phone, Instant expiresAt) {
        transaction.executeWithoutResult(status -> {
            deletePending(accountId, kind);
            jdbc.sql("""
                    INSERT INTO pending_factor (account_id, kind, secret, phone, created_at, expires_at)
                    VALUES (:account, :kind, :secret, :phone, :now, :expires)
                    """)
                    .param("account", accountId)
                    .param("kind", kind.name())
                    .param("secret", secret)
                    .param("phone", phone)
                    .param("now", utc(Instant.now()))
                    .param("expires", utc(expiresAt))
                    .update();
        });
    }

    /** The unfinished set-up of this kind, unless it expired. */
    public Optional<Pending> pending(String accountId, FactorKind kind) {
        return jdbc.sql("""
                SELECT secret, phone FROM pending_factor WHERE account_id = :account AND kind = :kind AND expires_at > :now
                """)
                .param("account", accountId)
                .param("kind", kind.name())
                .param("now", utc(Instant.now()))
                .query((rs, row) -> new Pending(rs.getString("secret"), rs.getString("phone")))
                .optional();
    }

    /**
     * Finishes a set-up: the pending factor replaces the account's factor of that kind, in one transaction.
     * False when there was nothing (left) to confirm, e.g. a second submission of the same form.
     *
     * @param lastStep for TOTP, the time step of the code that confirmed it (so that code cannot sign in again)
     */
    public boolean confirm(String accountId, FactorKind kind, Long lastStep) {
        return confirm(accountId, kind, lastStep, null);
    }

    /**
     * Finishes setting up this SMS number: as {@link #confirm}, but only while the number being set up is still
     * {@code phone} (the one the code went to), not one another page put in its place meanwhile.
     */
    public boolean confirmNumber(String accountId, String phone) {
        return phone != null && confirm(accountId, FactorKind.SMS, null, phone);
    }

    private boolean confirm(String accountId, FactorKind kind, Long lastStep, String phone) {
        Boolean confirmed = transaction.execute(status -> {
            Optional<Pending> pending = pending(accountId, kind);
            if (pending.isEmpty() || (phone != null && !phone.equals(pending.get().phone()))
                    || deletePending(accountId, kind, phone) != 1) {
                return false;
            }
            jdbc.sql("DELETE FROM account_factor WHERE account_id = :account AND kind = :kind")
                    .param("account", accountId)
                    .param("kind", kind.name())
                    .update();
            jdbc.sql("""
                    INSERT INTO account_factor (account_id, kind, secret, phone, last_step, created_at)
                    VALUES (:account, :kind, :secret, :phone, :step, :now)
                    """)
                    .param("account", accountId)
                    .param("kind", kind.name())
                    .param("secret", pending.get().secret())
                    .param("phone", pending.get().phone())
                    .param("step", lastStep)
                    .param("now", utc(Instant.now()))
                    .update();
            return true;
        });
        return Boolean.TRUE.equals(confirmed);
    }

    /**
     * Accepts a TOTP time step once: true only when it is later than every step accepted before, so a code
     * (or an earlier one) is never accepted twice, also not by two requests at the same moment.
     */
    public boolean acceptTimeStep(String accountId, long step) {
        return jdbc.sql("""
                UPDATE account_factor SET last_step = :step, last_used_at = :now
                WHERE account_id = :account AND kind = 'TOTP' AND (last_step IS NULL OR last_step < :step)
                """)
                .param("step", step)
                .param("now", utc(Instant.now()))
                .param("account", accountId)
                .update() == 1;
    }

    /** Spends a single-use factor whose secret is this hash: true for exactly one caller. */
    public boolean spend(String accountId, FactorKind kind, String secretHash) {
        return jdbc.sql("DELETE FROM account_factor WHERE account_id = :account AND kind = :kind AND secret = :secret")
                .param("account", accountId)
                .param("kind", kind.name())
                .param("secret", secretHash)
                .update() == 1;
    }

    /** Notes that a factor was used (for the SMS number: the last time a code sent there signed in). */
    public void used(String accountId, FactorKind kind) {
        jdbc.sql("UPDATE account_factor SET last_used_at = :now WHERE account_id = :account AND kind = :kind")
                .param("now", utc(Instant.now()))
                .param("account", accountId)
                .param("kind", kind.name())
                .update();
    }

    /**
     * Turns two-factor authentication off: every factor and unfinished set-up goes (the push devices, with their
     * codes and requests, go with {@code factor.push.Devices#removeAll}).
     */
    public int removeAll(String accountId) {
        Integer removed = transaction.execute(status -> {
            jdbc.sql("DELETE FROM pending_factor WHERE account_id = :account").param("account", accountId).update();
            return jdbc.sql("DELETE FROM account_factor WHERE account_id = :account").param("account", accountId).update();
        });
        return removed == null ? 0 : removed;
    }

    @Override
    public String name() {
        return "pending-factors";
    }

    /** Factors whose set-up was begun and not finished in time. */
    @Override
    public int purgeBatch(Instant now, int batchSize) {
        return jdbc.sql("""
                DELETE FROM pending_factor WHERE (account_id, kind) IN
                    (SELECT account_id, kind FROM pending_factor WHERE expires_at < :now FETCH FIRST :batch ROWS ONLY)
                """)
                .param("now", utc(now))
                .param("batch", batchSize)
                .update();
    }

    /** Deletes the set-up of this kind; with {@code phone}, only while it is still that number. */
    private int deletePending(String accountId, FactorKind kind, String phone) {
        if (phone == null) {
            return deletePending(accountId, kind);
        }
        return jdbc.sql("DELETE FROM pending_factor WHERE account_id = :account AND kind = :kind AND phone = :phone")
                .param("account", accountId)
                .param("kind", kind.name())
                .param("phone", phone)
                .update();
    }

    private int deletePending(String accountId, FactorKind kind) {
        return jdbc.sql("DELETE FROM pending_factor WHERE account_id = :account AND kind = :kind")
                .param("account", accountId)
                .param("kind", kind.name())
                .update();
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
