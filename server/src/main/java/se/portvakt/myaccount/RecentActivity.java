package se.portvakt.myaccount;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.servlet.http.HttpSession;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The person's own audit events of the last 90 days, newest first, a page at a time (decision 0034). Only rows whose
 * account is the person's: a failed sign-in typed with the person's email but for no account, or another account's
 * event that mentions the address, is not theirs. Events that mean nothing to the person (internal steps, a success
 * that the sign-in event says again) are left out here, in the query, so pages stay full.
 *
 * <p>Pages follow a keyset cursor (the event id, which orders events as recorded), never an offset. Events that can
 * be reported ("This wasn't me") are named by handles, an HMAC of their id under a key kept in the viewing session,
 * so a page never shows an event's id and a handle means nothing to another session or person.
 */
@Component
class RecentActivity {

    static final int PAGE = 20;
    static final Duration SHOWN = Duration.ofDays(90);

    /** Where the viewing session keeps its key for event handles. */
    static final String HANDLE_KEY = "portvakt.account.activity-handles";

    /**
     * Event types never shown: internal steps (a rehash, a code or push sent on the way, logout tokens, a device's
     * subscription), a link or reset used (the sign-in or the password change after it says it), set-up codes (the
     * method added says it), CAPTCHAs and step-ups.
     */
    static final List<String> HIDDEN_TYPES = List.of("password.rehashed", "signin.step-up", "sms.code", "push.request",
            "logout.backchannel", "authenticator.subscription", "authenticator.call", "authenticator.push",
            "recovery.reset.used", "recovery.link.used", "signin.captcha", "recovery.captcha", "captcha.challenge",
            "client.authentication", "factor.setup.totp", "factor.setup.sms", "factor.setup.push",
            "factor.setup.emergency-code");

    /** Type and outcome pairs never shown: one factor passed (the sign-in says it) and steps of a confirmation. */
    static final List<String> HIDDEN_OUTCOMES = List.of("signin.password success", "signin.totp success",
            "signin.sms success", "signin.emergency-code success", "signin.push success",
            "signin.reauthenticate started", "signin.reauthenticate another-account", "password.change refused");

    /** The events a person may say were not them: a sign-in, and a new way to sign in. */
    private static final String REPORTABLE = """
            outcome = 'success' AND event_type IN ('signin', 'factor.added', 'authenticator.pair')""";

    /** How many of the latest reportable events a handle is looked for among. */
    private static final int MAX_REPORTABLE = 2000;

    private static final String SHOWN_ROWS = """
            account_id = :account AND occurred_at >= :since AND event_type NOT IN (:hiddenTypes)
            AND CONCAT(event_type, ' ', outcome) NOT IN (:hiddenOutcomes)""";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;

    RecentActivity(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One event as recorded. */
    record Event(long id, Instant at, String type, String outcome, String clientId, String address, String detail,
            String userAgent) {

        boolean reportable() {
            return "success".equals(outcome)
                    && ("signin".equals(type) || "factor.added".equals(type) || "authenticator.pair".equals(type));
        }
    }

    /** One page of events, newest first, and the cursors to the pages around it (null when there is none). */
    record Page(List<Event> events, Long older, Long newer) {}

    /**
     * The page of events older than {@code before}, or newer than {@code after} (the page just before it), or the
     * newest page when neither is given or a newer page would not be full.
     */
    Page page(String accountId, Long before, Long after, Instant now) {
        OffsetDateTime since = OffsetDateTime.ofInstant(now.minus(SHOWN), ZoneOffset.UTC);
        List<Event> events;
        if (after != null) {
            events = new ArrayList<>(rows(accountId, since, "id > :cursor ORDER BY id ASC", after));
            Collections.reverse(events);
            if (events.size() < PAGE) {
                events = rows(accountId, since, "id < :cursor ORDER BY id DESC", Long.MAX_VALUE);
            }
        } else {
            events = rows(accountId, since, "id < :cursor ORDER BY id DESC", before == null ? Long.MAX_VALUE : before);
        }
        if (events.isEmpty()) {
            return new Page(events, null, null);
        }
        long newest = events.get(0).id();
        long oldest = events.get(events.size() - 1).id();
        return new Page(events, exists(accountId, since, "id < :cursor", oldest) ? oldest : null,
                exists(accountId, since, "id > :cursor", newest) ? newest : null);
    }

    private List<Event> rows(String accountId, OffsetDateTime since, String order, long cursor) {
        return jdbc.sql("""
                        SELECT id, occurred_at, event_type, outcome, client_id, address, detail, user_agent
                        FROM audit_event WHERE %s AND %s
                        FETCH FIRST %d ROWS ONLY
                        """.formatted(SHOWN_ROWS, order, PAGE))
                .param("account", accountId)
                .param("since", since)
                .param("hiddenTypes", HIDDEN_TYPES)
                .param("hiddenOutcomes", HIDDEN_OUTCOMES)
                .param("cursor", cursor)
                .query((row, n) -> new Event(row.getLong("id"),
                        row.getObject("occurred_at", OffsetDateTime.class).toInstant(), row.getString("event_type"),
                        row.getString("outcome"), row.getString("client_id"), row.getString("address"),
                        row.getString("detail"), row.getString("user_agent")))
                .list();
    }

    private boolean exists(String accountId, OffsetDateTime since, String condition, long cursor) {
        return jdbc.sql("SELECT id FROM audit_event WHERE %s AND %s FETCH FIRST 1 ROWS ONLY"
                        .formatted(SHOWN_ROWS, condition))
                .param("account", accountId)
                .param("since", since)
                .param("hiddenTypes", HIDDEN_TYPES)
                .param("hiddenOutcomes", HIDDEN_OUTCOMES)
                .param("cursor", cursor)
                .query(Long.class)
                .optional()
                .isPresent();
    }

    /** The handle that names this event to the viewing session. */
    String handle(long eventId, String accountId, HttpSession session) {
        return handle(key(session), accountId, eventId);
    }

    /**
     * The id of the person's reportable event of the last 90 days that {@code handle} names, shown to this session;
     * empty for anything else (another person's, not reportable, too old, made up, missing).
     */
    Optional<Long> reportableNamed(String accountId, String handle, HttpSession session, Instant now) {
        if (handle == null || !(session.getAttribute(HANDLE_KEY) instanceof byte[] key)) {
            return Optional.empty();
        }
        byte[] given = handle.getBytes(StandardCharsets.US_ASCII);
        return jdbc.sql("""
                        SELECT id FROM audit_event WHERE account_id = :account AND occurred_at >= :since AND %s
                        ORDER BY id DESC FETCH FIRST %d ROWS ONLY
                        """.formatted(REPORTABLE, MAX_REPORTABLE))
                .param("account", accountId)
                .param("since", OffsetDateTime.ofInstant(now.minus(SHOWN), ZoneOffset.UTC))
                .query(Long.class)
                .list()
                .stream()
                .filter(id -> MessageDigest.isEqual(handle(key, accountId, id).getBytes(StandardCharsets.US_ASCII),
                        given))
                .findFirst();
    }

    private static byte[] key(HttpSession session) {
        if (session.getAttribute(HANDLE_KEY) instanceof byte[] key) {
            return key;
        }
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        session.setAttribute(HANDLE_KEY, key);
        return key;
    }

    private static String handle(byte[] key, String accountId, long eventId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] tag = mac.doFinal((accountId + ":" + eventId).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
