package se.portvakt.factor.push;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.nimbusds.jose.jwk.ECKey;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.delivery.push.PushSubscription;
import se.portvakt.housekeeping.Purge;

/**
 * The devices paired with accounts (decision 0019): their public keys, push subscriptions, and the message ids
 * ({@code jti}) they used, so that a replayed message is refused on every node. A removed device's next call is
 * refused with 401, and the app forgets the account.
 */
@Component
public class Devices implements Purge {

    /** How long a message id is remembered: longer than any {@code iat} that passes the 120-second check. */
    static final Duration MESSAGE_MEMORY = Duration.ofMinutes(10);

    /** A device with its public key, for checking its signatures. */
    record Key(Device device, ECKey publicKey) {}

    /** A device's push subscription. */
    record Subscribed(String deviceId, PushSubscription subscription) {}

    private static final String COLUMNS = "id, account_id, name, public_jwk, push_endpoint, created_at, last_used_at";

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final TransactionTemplate transaction;

    Devices(JdbcClient jdbc, AuditLog audit, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.transaction = transaction;
    }

    /** The account's devices, oldest first. */
    public List<Device> of(String accountId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM authenticator_device WHERE account_id = :account ORDER BY created_at")
                .param("account", accountId)
                .query((rs, row) -> device(rs))
                .list();
    }

    /** Whether the account has a paired device. */
    public boolean any(String accountId) {
        return jdbc.sql("SELECT COUNT(*) FROM authenticator_device WHERE account_id = :account")
                .param("account", accountId)
                .query(Integer.class)
                .single() > 0;
    }

    /** Removes one device of this account (My account); audited; the app's next call gets 401. */
    public boolean remove(String accountId, String deviceId) {
        boolean removed = delete(accountId, deviceId);
        if (removed) {
            audit.record(new AuditEvent("authenticator.device.removed", "success", accountId, null, null, null,
                    "device " + deviceId + ", by the account"));
        }
        return removed;
    }

    /** Renames one device of this account (My account); false when the account has no device with this id. */
    public boolean rename(String accountId, String deviceId, String name) {
        return jdbc.sql("UPDATE authenticator_device SET name = :name WHERE id = :id AND account_id = :account")
                .param("name", name)
                .param("id", deviceId)
                .param("account", accountId)
                .update() == 1;
    }

    /**
     * Removes all devices of the account (turning 2FA off), and with them everything push kept for it: pairing
     * codes, requests and a pause; audited. Returns the number of devices removed.
     */
    public int removeAll(String accountId) {
        Integer removed = transaction.execute(status -> {
            for (String table : List.of("authenticator_pairing", "push_request", "push_pause")) {
                jdbc.sql("DELETE FROM " + table + " WHERE account_id = :account").param("account", accountId).update();
            }
            return jdbc.sql("DELETE FROM authenticator_device WHERE account_id = :account")
                    .param("account", accountId)
                    .update();
        });
        int count = removed == null ? 0 : removed;
        if (count > 0) {
            audit.record(new AuditEvent("authenticator.device.removed", "success", accountId, null, null, null,
                    count + " device(s), all of the account"));
        }
        return count;
    }

    /** The device removed itself ({@code remove} call); audited. */
    boolean removeItself(Device device, String address) {
        boolean removed = delete(device.accountId(), device.id());
        if (removed) {
            audit.record(new AuditEvent("authenticator.device.removed", "success", device.accountId(), null, null,
                    address, "device " + device.id() + ", by the device"));
        }
        return removed;
    }

    /** The device with this id and its public key, if it is paired. */
    Optional<Key> key(String deviceId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM authenticator_device WHERE id = :id")
                .param("id", deviceId)
                .query((rs, row) -> {
                    try {
                        return new Key(device(rs), ECKey.parse(rs.getString("public_jwk")));
                    } catch (ParseException e) {
                        throw new IllegalStateException("stored device key unreadable: " + deviceId, e);
                    }
                })
                .optional();
    }

    /** Adds a paired device (in the pairing's transaction). */
    Device add(String id, String accountId, String name, ECKey publicKey, Optional<PushSubscription> push, Instant now) {
        jdbc.sql("""
                INSERT INTO authenticator_device (id, account_id, name, public_jwk, push_endpoint, push_p256dh, push_auth,
                    created_at, last_used_at)
                VALUES (:id, :account, :name, :jwk, :endpoint, :p256dh, :auth, :now, :now)
                """)
                .param("id", id)
                .param("account", accountId)
                .param("name", name)
                .param("jwk", publicKey.toPublicJWK().toJSONString())
                .param("endpoint", push.map(PushSubscription::endpoint).orElse(null))
                .param("p256dh", push.map(PushSubscription::p256dh).orElse(null))
                .param("auth", push.map(PushSubscription::auth).orElse(null))
                .param("now", Rows.utc(now))
                .update();
        return new Device(id, accountId, name, now, now, push.isPresent());
    }

    /**
     * Remembers a message id of the device and marks the device used; false when the device sent this id before
     * (a replayed message), on any node: the primary key decides.
     */
    boolean firstUse(String deviceId, String jti) {
        Instant now = Instant.now();
        try {
            jdbc.sql("INSERT INTO authenticator_message (device_id, jti, seen_at) VALUES (:device, :jti, :now)")
                    .param("device", deviceId)
                    .param("jti", jti)
                    .param("now", Rows.utc(now))
                    .update();
        } catch (DuplicateKeyException replayed) {
            return false;
        }
        jdbc.sql("UPDATE authenticator_device SET last_used_at = :now WHERE id = :id")
                .param("now", Rows.utc(now))
                .param("id", deviceId)
                .update();
        return true;
    }

    /** Sets the device's push subscription, or removes it (empty). */
    void subscribe(String deviceId, Optional<PushSubscription> push) {
        jdbc.sql("UPDATE authenticator_device SET push_endpoint = :endpoint, push_p256dh = :p256dh, push_auth = :auth WHERE id = :id")
                .param("endpoint", push.map(PushSubscription::endpoint).orElse(null))
                .param("p256dh", push.map(PushSubscription::p256dh).orElse(null))
                .param("auth", push.map(PushSubscription::auth).orElse(null))
                .param("id", deviceId)
                .update();
    }

    /** Forgets a subscription that the push service says is gone, unless the device has set a new one since. */
    boolean forgetSubscription(String deviceId, String endpoint) {
        return jdbc.sql("""
                UPDATE authenticator_device SET push_endpoint = NULL, push_p256dh = NULL, push_auth = NULL
                WHERE id = :id AND push_endpoint = :endpoint
                """)
                .param("id", deviceId)
                .param("endpoint", endpoint)
                .update() == 1;
    }

    /** The push subscriptions of the account's devices. */
    List<Subscribed> subscriptions(String accountId) {
        return jdbc.sql("""
                SELECT id, push_endpoint, push_p256dh, push_auth FROM authenticator_device
                WHERE account_id = :account AND push_endpoint IS NOT NULL
                """)
                .param("account", accountId)
                .query((rs, row) -> new Subscribed(rs.getString("id"), new PushSubscription(
                        rs.getString("push_endpoint"), rs.getString("push_p256dh"), rs.getString("push_auth"))))
                .list();
    }

    @Override
    public String name() {
        return "authenticator-messages";
    }

    /** Message ids older than a message may be: a replay of one is refused by its age. */
    @Override
    public int purgeBatch(Instant now, int batchSize) {
        return jdbc.sql("""
                DELETE FROM authenticator_message WHERE (device_id, jti) IN
                    (SELECT device_id, jti FROM authenticator_message WHERE seen_at < :before FETCH FIRST :batch ROWS ONLY)
                """)
                .param("before", Rows.utc(now.minus(MESSAGE_MEMORY)))
                .param("batch", batchSize)
                .update();
    }

    private boolean delete(String accountId, String deviceId) {
        return jdbc.sql("DELETE FROM authenticator_device WHERE id = :id AND account_id = :account")
                .param("id", deviceId)
                .param("account", accountId)
                .update() == 1;
    }

    static Device device(ResultSet rs) throws SQLException {
        return new Device(rs.getString("id"), rs.getString("account_id"), rs.getString("name"),
                Rows.instant(rs, "created_at"), Rows.instant(rs, "last_used_at"), rs.getString("push_endpoint") != null);
    }
}
