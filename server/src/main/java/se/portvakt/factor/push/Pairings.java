package se.portvakt.factor.push;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.nimbusds.jose.jwk.ECKey;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import se.portvakt.config.PortvaktProperties;
import se.portvakt.delivery.push.PushSubscription;
import se.portvakt.factor.Sha256;
import se.portvakt.housekeeping.Purge;

/**
 * Pairing codes (decision 0019, journey step 4a): random, stored as their SHA-256, bound to the account and the
 * sign-in that showed them, expiring after {@code portvakt.authenticator.pairing-ttl}, and spent by the same
 * conditional UPDATE that names the device they paired, so of many devices racing one code exactly one pairs.
 */
@Component
public class Pairings implements Purge {

    /** A device paired by a code that the sign-in {@code flowId} showed. */
    record Paired(Device device, String flowId) {}

    private record Issued(String accountId, String flowId) {}

    private final JdbcClient jdbc;
    private final Devices devices;
    private final TransactionTemplate transaction;
    private final ApplicationEventPublisher events;
    private final PortvaktProperties.Authenticator settings;

    Pairings(JdbcClient jdbc, Devices devices, TransactionTemplate transaction, ApplicationEventPublisher events,
            PortvaktProperties properties) {
        this.jdbc = jdbc;
        this.devices = devices;
        this.transaction = transaction;
        this.events = events;
        this.settings = properties.authenticator();
    }

    /** A new single-use code for this account and sign-in; an unused earlier code of this flow is voided. */
    public PairingCode issue(String accountId, String flowId) {
        Instant now = Instant.now();
        PairingCode code = new PairingCode(PairingCode.random(), now.plus(settings.pairingTtl()));
        transaction.executeWithoutResult(status -> {
            jdbc.sql("""
                    UPDATE authenticator_pairing SET voided_at = :now
                    WHERE flow_id = :flow AND used_at IS NULL AND voided_at IS NULL
                    """)
                    .param("now", Rows.utc(now))
                    .param("flow", flowId)
                    .update();
            jdbc.sql("""
                    INSERT INTO authenticator_pairing (code_hash, account_id, flow_id, created_at, expires_at)
                    VALUES (:hash, :account, :flow, :now, :expires)
                    """)
                    .param("hash", Sha256.hex(code.code()))
                    .param("account", accountId)
                    .param("flow", flowId)
                    .param("now", Rows.utc(now))
                    .param("expires", Rows.utc(code.expiresAt()))
                    .update();
        });
        return code;
    }

    /** The device that a code issued to this flow paired, once one has (and while it stays paired). */
    public Optional<Device> pairedBy(String flowId) {
        return jdbc.sql("""
                SELECT d.id, d.account_id, d.name, d.public_jwk, d.push_endpoint, d.created_at, d.last_used_at
                FROM authenticator_pairing p JOIN authenticator_device d ON d.id = p.device_id
                WHERE p.flow_id = :flow AND p.used_at IS NOT NULL
                ORDER BY p.used_at DESC FETCH FIRST 1 ROWS ONLY
                """)
                .param("flow", flowId)
                .query((rs, row) -> Devices.device(rs))
                .optional();
    }

    /**
     * Spends the code and pairs the device with its account, in one transaction; empty when the code is unknown,
     * expired, used or voided (one answer for all). {@link DevicePaired} is published after the commit.
     */
    Optional<Paired> pair(String typedCode, String name, ECKey publicKey, Optional<PushSubscription> push) {
        Optional<String> code = PairingCode.normalized(typedCode);
        if (code.isEmpty()) {
            return Optional.empty();
        }
        String hash = Sha256.hex(code.get());
        String deviceId = Rows.randomId();
        Instant now = Instant.now();
        Optional<Paired> paired = transaction.execute(status -> {
            int spent = jdbc.sql("""
                    UPDATE authenticator_pairing SET used_at = :now, device_id = :device
                    WHERE code_hash = :hash AND used_at IS NULL AND voided_at IS NULL AND expires_at > :now
                    """)
                    .param("now", Rows.utc(now))
                    .param("device", deviceId)
                    .param("hash", hash)
                    .update();
            if (spent != 1) {
                return Optional.empty();
            }
            Issued issued = jdbc.sql("SELECT account_id, flow_id FROM authenticator_pairing WHERE code_hash = :hash")
                    .param("hash", hash)
                    .query((rs, row) -> new Issued(rs.getString("account_id"), rs.getString("flow_id")))
                    .single();
            return Optional.of(new Paired(devices.add(deviceId, issued.accountId(), name, publicKey, push, now),
                    issued.flowId()));
        });
        if (paired == null) {
            return Optional.empty();
        }
        paired.ifPresent(p -> events.publishEvent(new DevicePaired(p.flowId(), p.device().accountId(), p.device().id())));
        return paired;
    }

    @Override
    public String name() {
        return "pairings";
    }

    /** Pairing codes a day after they expired. */
    @Override
    public int purgeBatch(Instant now, int batchSize) {
        return jdbc.sql("""
                DELETE FROM authenticator_pairing WHERE code_hash IN
                    (SELECT code_hash FROM authenticator_pairing WHERE expires_at < :before FETCH FIRST :batch ROWS ONLY)
                """)
                .param("before", Rows.utc(now.minus(Duration.ofDays(1))))
                .param("batch", batchSize)
                .update();
    }
}
