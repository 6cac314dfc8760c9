package se.portvakt.account;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads and writes accounts. */
@Repository
public class AccountStore {

    private final JdbcClient jdbc;

    public AccountStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The account with this email address, if there is one. */
    public Optional<Account> findByEmail(EmailAddress email) {
        return jdbc.sql("""
                SELECT id, email, name, email_verified, password_hash FROM account WHERE email = :email
                """)
                .param("email", email.value())
                .query(AccountStore::map)
                .optional();
    }

    /** An account as its password step reads it: with when "Remind me later" on the 2FA prompt ends, if it was said. */
    public record SigningIn(Account account, Optional<Instant> twoFactorSnoozedUntil) {

        /** True while "Remind me later" on the 2FA prompt holds. */
        public boolean twoFactorPromptSnoozed(Instant now) {
            return twoFactorSnoozedUntil.filter(until -> until.isAfter(now)).isPresent();
        }
    }

    /**
     * {@link #findByEmail} with the 2FA prompt's snooze, in one read: all the password step needs of the account
     * (decision 0048).
     */
    public Optional<SigningIn> findSigningIn(EmailAddress email) {
        return jdbc.sql("""
                SELECT id, email, name, email_verified, password_hash, two_factor_snoozed_until FROM account
                WHERE email = :email
                """)
                .param("email", email.value())
                .query((rs, row) -> new SigningIn(map(rs, row),
                        Optional.ofNullable(rs.getObject("two_factor_snoozed_until", OffsetDateTime.class))
                                .map(OffsetDateTime::toInstant)))
                .optional();
    }

    /** The account with this id, if there is one. */
    public Optional<Account> findById(String id) {
        return jdbc.sql("""
                SELECT id, email, name, email_verified, password_hash FROM account WHERE id = :id
                """)
                .param("id", id)
                .query(AccountStore::map)
                .optional();
    }

    /** Creates an account and returns it. */
    public Account create(EmailAddress email, String name, boolean emailVerified, String passwordHash) {
        String id = UUID.randomUUID().toString();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        jdbc.sql("""
                INSERT INTO account (id, email, name, email_verified, password_hash, created_at, updated_at)
                VALUES (:id, :email, :name, :verified, :hash, :now, :now)
                """)
                .param("id", id)
                .param("email", email.value())
                .param("name", name)
                .param("verified", emailVerified)
                .param("hash", passwordHash)
                .param("now", now)
                .update();
        return new Account(id, email, name, emailVerified, Optional.ofNullable(passwordHash));
    }

    /** Changes the name and verification state of an account. */
    public void updateProfile(String id, String name, boolean emailVerified) {
        jdbc.sql("""
                UPDATE account SET name = :name, email_verified = :verified, updated_at = :now WHERE id = :id
                """)
                .param("id", id)
                .param("name", name)
                .param("verified", emailVerified)
                .param("now", OffsetDateTime.now(ZoneOffset.UTC))
                .update();
    }

    /**
     * Replaces the stored password hash of an account. A new password is what {@link #requirePasswordChange} asked
     * for, so the requirement ends with it.
     */
    public void updatePasswordHash(String id, String passwordHash) {
        jdbc.sql("""
                UPDATE account SET password_hash = :hash, password_change_required = FALSE, updated_at = :now
                WHERE id = :id""")
                .param("id", id)
                .param("hash", passwordHash)
                .param("now", OffsetDateTime.now(ZoneOffset.UTC))
                .update();
    }

    /**
     * Hands every stored password hash that does not start with {@code prefix} to {@code each}: hashes imported
     * or made with older parameters, until their owners sign in again and they are replaced.
     */
    public void forEachPasswordHashNotStartingWith(String prefix, Consumer<String> each) {
        jdbc.sql("SELECT password_hash FROM account WHERE password_hash IS NOT NULL AND password_hash NOT LIKE :prefix")
                .param("prefix", prefix + "%")
                .query((ResultSet rs) -> each.accept(rs.getString(1)));
    }

    private static Account map(ResultSet rs, int row) throws SQLException {
        return new Account(
                rs.getString("id"),
                new EmailAddress(rs.getString("email")),
                rs.getString("name"),
                rs.getBoolean("email_verified"),
                Optional.ofNullable(rs.getString("password_hash")));
    }

    /**
     * The person said a sign-in was not theirs (My account's "This wasn't me"): the next sign-in must choose a new
     * password before it goes on, since whoever it was may know the current one.
     */
    public void requirePasswordChange(String id) {
        jdbc.sql("UPDATE account SET password_change_required = TRUE, updated_at = :now WHERE id = :id")
                .param("id", id)
                .param("now", OffsetDateTime.now(ZoneOffset.UTC))
                .update();
    }

    /** True when the account's next sign-in must choose a new password ({@link #requirePasswordChange}). */
    public boolean passwordChangeRequired(String id) {
        return jdbc.sql("SELECT password_change_required FROM account WHERE id = :id")
                .param("id", id)
                .query(Boolean.class)
                .optional()
                .orElse(false);
    }

    /** True while "Remind me later" on the 2FA prompt holds for this account. */
    public boolean twoFactorPromptSnoozed(String id, Instant now) {
        return jdbc.sql("SELECT two_factor_snoozed_until FROM account WHERE id = :id")
                .param("id", id)
                .query((rs, row) -> Optional.ofNullable(rs.getObject(1, OffsetDateTime.class)))
                .optional()
                .flatMap(until -> until)
                .map(until -> until.toInstant().isAfter(now))
                .orElse(false);
    }

    /** "Remind me later": the 2FA prompt is not shown to this account before {@code until}. */
    public void snoozeTwoFactorPrompt(String id, Instant until) {
        jdbc.sql("UPDATE account SET two_factor_snoozed_until = :until WHERE id = :id")
                .param("until", OffsetDateTime.ofInstant(until, ZoneOffset.UTC))
                .param("id", id)
                .update();
    }
}
