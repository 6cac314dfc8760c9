package se.portvakt.factor.push;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.task.TaskExecutor;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.delivery.push.PushOutcome;
import se.portvakt.delivery.push.PushSender;
import se.portvakt.geoip.Places;
import se.portvakt.housekeeping.Purge;

/**
 * Requests to approve a sign-in on a paired device (journey step 5, push; decision 0019). One request is pending
 * per sign-in at most (a unique column set only while pending); a device decides it once, by one conditional
 * UPDATE; a wrong number counts as a denial; the browser goes on with an approval once ({@link #spend}).
 */
@Component
public class PushRequests implements Purge {

    private static final Logger log = LoggerFactory.getLogger(PushRequests.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    static final String PENDING = "PENDING";
    static final String APPROVED = "APPROVED";
    static final String DENIED = "DENIED";
    static final String WRONG_NUMBER = "WRONG_NUMBER";
    /** A newer request of the same sign-in replaced it. */
    static final String SUPERSEDED = "SUPERSEDED";
    /** The person chose another method. */
    static final String CANCELLED = "CANCELLED";

    /**
     * A request as a device sees it: with the application, the address of the sign-in and its approximate place
     * ({@code null} without a GeoIP database or for an address it does not know).
     */
    record Waiting(PushRequest request, String application, String address, String place) {}

    /** The stored state of a request, and its sign-in. */
    private record StateOf(String state, String flowId) {}

    /** A device's answer. */
    enum Decision { APPROVE, DENY }

    /** What came of a device's answer, as the device API says it ({@code null}: not a request of its account). */
    enum Decided {
        APPROVED("approved"), DENIED("denied"), WRONG_NUMBER("wrong-number"), EXPIRED("expired"), DECIDED("decided"),
        UNKNOWN(null);

        final String word;

        Decided(String word) {
            this.word = word;
        }
    }

    private static final String COLUMNS =
            "id, account_id, flow_id, shown_number, choices, application, address, place, state, created_at, "
                    + "expires_at";

    private final JdbcClient jdbc;
    private final Devices devices;
    private final PushPause pause;
    private final PushSender sender;
    private final AuthenticatorNotices notices;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transaction;
    private final TaskExecutor background;
    private final Places places;
    private final PortvaktProperties.Authenticator settings;

    PushRequests(JdbcClient jdbc, Devices devices, PushPause pause, PushSender sender, AuthenticatorNotices notices,
            AuditLog audit, ApplicationEventPublisher events, TransactionTemplate transaction,
            @Qualifier("applicationTaskExecutor") TaskExecutor background, Places places,
            PortvaktProperties properties) {
        this.jdbc = jdbc;
        this.devices = devices;
        this.pause = pause;
        this.sender = sender;
        this.notices = notices;
        this.audit = audit;
        this.events = events;
        this.transaction = transaction;
        this.background = background;
        this.places = places;
        this.settings = properties.authenticator();
    }

    /**
     * Starts a request for this sign-in and pushes it to the account's devices (off the request path); a pending
     * earlier request of the same flow ends. Nothing is started while push is paused for the account.
     *
     * @param application the name of the application the person signs in to, shown on the device
     * @param address the browser's address, shown on the device
     */
    public PushStart start(String accountId, String flowId, String application, String address) {
        if (!devices.any(accountId)) {
            return new PushStart.NoDevice();
        }
        Optional<Instant> paused = pause.until(accountId);
        if (paused.isEmpty()) {
            paused = pause.pauseIfDue(accountId);
            paused.ifPresent(until -> audited(accountId, address, PushPause.Reason.DENIALS, until));
        }
        if (paused.isPresent()) {
            audit.record(new AuditEvent("authenticator.push", "paused", accountId, null, null, address,
                    "no request sent, paused until " + paused.get()));
            return new PushStart.Paused(paused.get());
        }
        PushRequest request = create(accountId, flowId, application, address);
        audit.record(new AuditEvent("authenticator.push", "sent", accountId, null, null, address,
                "request " + request.id()));
        background.execute(() -> push(request));
        return new PushStart.Sent(request);
    }

    /** The newest request of this flow, with its state now. */
    public Optional<PushRequest> latest(String flowId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM push_request WHERE flow_id = :flow "
                        + "ORDER BY created_at DESC, CASE WHEN pending_flow_id IS NULL THEN 1 ELSE 0 END FETCH FIRST 1 ROWS ONLY")
                .param("flow", flowId)
                .query((rs, row) -> request(rs, Instant.now()))
                .optional();
    }

    /** The browser goes on with an approval: true exactly once per approved request of this flow. */
    public boolean spend(String requestId, String flowId) {
        return jdbc.sql("""
                UPDATE push_request SET spent_at = :now
                WHERE id = :id AND flow_id = :flow AND state = 'APPROVED' AND spent_at IS NULL
                """)
                .param("now", Rows.utc(Instant.now()))
                .param("id", requestId)
                .param("flow", flowId)
                .update() == 1;
    }

    /** The person chose another method: the flow's pending request ends (the app stops showing it). */
    public void cancel(String flowId) {
        jdbc.sql("""
                UPDATE push_request SET state = 'CANCELLED', pending_flow_id = NULL, decided_at = :now
                WHERE pending_flow_id = :flow AND state = 'PENDING'
                """)
                .param("now", Rows.utc(Instant.now()))
                .param("flow", flowId)
                .update();
    }

    /** Until when push is paused for the account, if it is now. */
    public Optional<Instant> pausedUntil(String accountId) {
        return pause.until(accountId);
    }

    /** The account's requests still waiting for an answer, oldest first. */
    List<Waiting> waiting(String accountId) {
        Instant now = Instant.now();
        return jdbc.sql("SELECT " + COLUMNS + " FROM push_request "
                        + "WHERE account_id = :account AND state = 'PENDING' AND expires_at > :now ORDER BY created_at")
                .param("account", accountId)
                .param("now", Rows.utc(now))
                .query((rs, row) -> waiting(rs, now))
                .list();
    }

    /**
     * A device's answer to a request of its account: accepted once, while the request is pending and not expired,
     * by one conditional UPDATE; an approval with another number than the browser's is a denial.
     */
    Decided decide(Device device, String requestId, Decision decision, Integer number, String address) {
        Instant now = Instant.now();
        String newState = decision == Decision.APPROVE
                ? "CASE WHEN shown_number = :number THEN 'APPROVED' ELSE 'WRONG_NUMBER' END"
                : "'DENIED'";
        int decided = jdbc.sql("UPDATE push_request SET state = " + newState + ", pending_flow_id = NULL, "
                        + "decided_at = :now, decided_by = :device "
                        + "WHERE id = :id AND account_id = :account AND state = 'PENDING' AND expires_at > :now")
                .param("number", decision == Decision.APPROVE ? number : null)
                .param("now", Rows.utc(now))
                .param("device", device.id())
                .param("id", requestId)
                .param("account", device.accountId())
                .update();
        Optional<StateOf> row = jdbc.sql("SELECT state, flow_id FROM push_request WHERE id = :id AND account_id = :account")
                .param("id", requestId)
                .param("account", device.accountId())
                .query((rs, n) -> new StateOf(rs.getString("state"), rs.getString("flow_id")))
                .optional();
        if (row.isEmpty()) {
            return Decided.UNKNOWN;
        }
        String state = row.get().state();
        if (decided != 1) {
            Decided late = List.of(PENDING, SUPERSEDED, CANCELLED).contains(state) ? Decided.EXPIRED : Decided.DECIDED;
            audit.record(new AuditEvent("authenticator.decide", late.word, device.accountId(), null, null, address,
                    "request " + requestId + " not pending, device " + device.id()));
            return late;
        }
        Decided outcome = switch (state) {
            case APPROVED -> Decided.APPROVED;
            case WRONG_NUMBER -> Decided.WRONG_NUMBER;
            default -> Decided.DENIED;
        };
        audit.record(new AuditEvent("authenticator.decide", outcome.word, device.accountId(), null, null, address,
                "request " + requestId + ", device " + device.id()));
        events.publishEvent(new PushDecided(row.get().flowId(), requestId,
                outcome == Decided.APPROVED ? PushRequest.State.APPROVED : PushRequest.State.DENIED));
        if (outcome != Decided.APPROVED) {
            pause.pauseIfDue(device.accountId())
                    .ifPresent(until -> audited(device.accountId(), address, PushPause.Reason.DENIALS, until));
        }
        return outcome;
    }

    /**
     * "This wasn't me" for a request of the device's account: a pending one is denied; the first report pauses
     * push for {@code report-pause-for}, is audited and mails the person how to change the password. False when
     * the request is not one of the account's.
     */
    boolean report(Device device, String requestId, String address, Locale locale) {
        if (decide(device, requestId, Decision.DENY, null, address) == Decided.UNKNOWN) {
            return false;
        }
        int first = jdbc.sql("""
                UPDATE push_request SET reported_at = :now
                WHERE id = :id AND account_id = :account AND reported_at IS NULL
                """)
                .param("now", Rows.utc(Instant.now()))
                .param("id", requestId)
                .param("account", device.accountId())
                .update();
        if (first != 1) {
            return true;
        }
        Instant until = pause.pause(device.accountId(), settings.reportPauseFor(), PushPause.Reason.REPORT);
        audit.record(new AuditEvent("authenticator.report", "reported", device.accountId(), null, null, address,
                "request " + requestId + ", device " + device.id()));
        audited(device.accountId(), address, PushPause.Reason.REPORT, until);
        Optional<Waiting> reported = jdbc.sql("SELECT " + COLUMNS + " FROM push_request WHERE id = :id")
                .param("id", requestId)
                .query((rs, row) -> waiting(rs, Instant.now()))
                .optional();
        reported.ifPresent(r -> notices.reported(device.accountId(), r.application(), r.address(), until, locale));
        return true;
    }

    private void audited(String accountId, String address, PushPause.Reason reason, Instant until) {
        audit.record(new AuditEvent("authenticator.pause", "paused", accountId, null, null, address,
                reason.name().toLowerCase(Locale.ROOT) + ", until " + until));
    }

    private PushRequest create(String accountId, String flowId, String application, String address) {
        // Looked up once, outside the transaction, and kept with the request: the device shows it as it was then.
        String place = places.placeOf(address).map(p -> Rows.truncate(p, 200)).orElse(null);
        for (int attempt = 1; ; attempt++) {
            try {
                return transaction.execute(status -> insert(accountId, flowId, application, address, place));
            } catch (DuplicateKeyException anotherStartOfThisFlow) {
                // Two starts of one sign-in at once: the unique pending column let the other one in. Its request is
                // this sign-in's pending one; only when it was decided or replaced already is another try needed.
                Optional<PushRequest> won = latest(flowId)
                        .filter(request -> request.state() == PushRequest.State.PENDING);
                if (won.isPresent()) {
                    return won.get();
                }
                if (attempt == 3) {
                    throw anotherStartOfThisFlow;
                }
            }
        }
    }

    private PushRequest insert(String accountId, String flowId, String application, String address, String place) {
        // Milliseconds, as every database keeps them, so that the request returned reads the same as the stored one.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        jdbc.sql("""
                UPDATE push_request SET state = 'SUPERSEDED', pending_flow_id = NULL, decided_at = :now
                WHERE pending_flow_id = :flow AND state = 'PENDING'
                """)
                .param("now", Rows.utc(now))
                .param("flow", flowId)
                .update();
        List<Integer> choices = new ArrayList<>(3);
        int number = 10 + RANDOM.nextInt(90);
        choices.add(number);
        while (choices.size() < 3) {
            int other = 10 + RANDOM.nextInt(90);
            if (!choices.contains(other)) {
                choices.add(other);
            }
        }
        Collections.shuffle(choices, RANDOM);
        PushRequest request = new PushRequest(Rows.randomId(), accountId, flowId, number, choices,
                PushRequest.State.PENDING, now, now.plus(settings.requestTtl()));
        jdbc.sql("""
                INSERT INTO push_request (id, account_id, flow_id, pending_flow_id, shown_number, choices, application,
                    address, place, state, created_at, expires_at)
                VALUES (:id, :account, :flow, :flow, :number, :choices, :application, :address, :place, 'PENDING', :now,
                    :expires)
                """)
                .param("id", request.id())
                .param("account", accountId)
                .param("flow", flowId)
                .param("number", number)
                .param("choices", choices.get(0) + "," + choices.get(1) + "," + choices.get(2))
                .param("application", Rows.truncate(application, 200))
                .param("address", Rows.truncate(address, 64))
                .param("place", place)
                .param("now", Rows.utc(now))
                .param("expires", Rows.utc(request.expiresAt()))
                .update();
        return request;
    }

    /** Wakes each device of the account that has a subscription; a subscription the push service calls gone is forgotten. */
    private void push(PushRequest request) {
        byte[] payload = ("{\"request\":\"" + request.id() + "\"}").getBytes(StandardCharsets.UTF_8);
        for (Devices.Subscribed device : devices.subscriptions(request.accountId())) {
            try {
                PushOutcome outcome = sender.send(device.subscription(), payload, settings.requestTtl());
                if (outcome instanceof PushOutcome.Gone
                        && devices.forgetSubscription(device.deviceId(), device.subscription().endpoint())) {
                    audit.record(new AuditEvent("authenticator.subscription", "gone", request.accountId(), null, null,
                            null, "device " + device.deviceId() + ": the push service forgot the subscription"));
                } else if (outcome instanceof PushOutcome.Failed failed) {
                    // The request still works: the app finds it by asking. The audit log shows the operator why
                    // phones are not woken (a push service down, a firewall).
                    log.warn("Push to device {} failed: {}", device.deviceId(), failed.reason());
                    audit.record(new AuditEvent("authenticator.push", "failure", request.accountId(), null, null, null,
                            "request " + request.id() + " to device " + device.deviceId() + ": " + failed.reason()));
                }
            } catch (RuntimeException e) {
                log.warn("Push to device {} failed", device.deviceId(), e);
            }
        }
    }

    @Override
    public String name() {
        return "push-requests";
    }

    /** Requests 30 days after they expired, when no report or pause looks back at them. */
    @Override
    public int purgeBatch(Instant now, int batchSize) {
        return jdbc.sql("""
                DELETE FROM push_request WHERE id IN
                    (SELECT id FROM push_request WHERE expires_at < :before FETCH FIRST :batch ROWS ONLY)
                """)
                .param("before", Rows.utc(now.minus(Duration.ofDays(30))))
                .param("batch", batchSize)
                .update();
    }

    private static Waiting waiting(ResultSet rs, Instant now) throws SQLException {
        return new Waiting(request(rs, now), rs.getString("application"), rs.getString("address"), rs.getString("place"));
    }

    private static PushRequest request(ResultSet rs, Instant now) throws SQLException {
        Instant expiresAt = Rows.instant(rs, "expires_at");
        PushRequest.State state = switch (rs.getString("state")) {
            case PENDING -> expiresAt.isAfter(now) ? PushRequest.State.PENDING : PushRequest.State.EXPIRED;
            case APPROVED -> PushRequest.State.APPROVED;
            case DENIED, WRONG_NUMBER -> PushRequest.State.DENIED;
            default -> PushRequest.State.EXPIRED;
        };
        List<Integer> choices = Arrays.stream(rs.getString("choices").split(",")).map(Integer::valueOf).toList();
        return new PushRequest(rs.getString("id"), rs.getString("account_id"), rs.getString("flow_id"),
                rs.getInt("shown_number"), choices, state, Rows.instant(rs, "created_at"), expiresAt);
    }
}
