package se.portvakt.myaccount;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.servlet.http.HttpSession;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;

import se.portvakt.signin.SessionSignIn;

/**
 * The person's browser sessions, as "Where you are signed in" lists them: found by Spring Session's principal index
 * (the account id), each with the browser and address of the sign-in that began it (its {@code signin} audit event,
 * noted in the session by {@link SessionSignIn}), when that was, and when the session was last used.
 *
 * <p>A page never names a session by its id (the id is the browser's credential): each is named by a handle, an HMAC
 * of its id under a key kept in the viewing session. A handle means something only to the session that was shown it
 * and only among the person's own sessions, so another person's handle, an old one or a made-up one finds nothing.
 */
@Component
class SignedInSessions {

    /** Where the viewing session keeps its key for handles. */
    static final String HANDLE_KEY = "portvakt.account.session-handles";

    /** More sessions than this are not listed (the most recently used are). */
    private static final int MAX_SHOWN = 50;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final FindByIndexNameSessionRepository<? extends Session> sessions;
    private final JdbcClient jdbc;

    SignedInSessions(FindByIndexNameSessionRepository<? extends Session> sessions, JdbcClient jdbc) {
        this.sessions = sessions;
        this.jdbc = jdbc;
    }

    /**
     * One browser session of the person.
     *
     * @param started when its sign-in was (when the session began, for one signed in before sign-ins were noted)
     * @param address the sign-in's IP address, null when not known
     * @param userAgent the sign-in's User-Agent, null when not known
     */
    record SignedIn(String handle, boolean current, Instant started, Instant lastActive, String address,
            String userAgent) {}

    /** The account's sessions: this one first, then the others, most recently used first. */
    List<SignedIn> of(String accountId, HttpSession current) {
        List<? extends Session> found = live(accountId).values().stream()
                .sorted(Comparator.comparing((Session s) -> !s.getId().equals(current.getId()))
                        .thenComparing(Session::getLastAccessedTime, Comparator.reverseOrder()))
                .limit(MAX_SHOWN)
                .toList();
        Map<Long, SignIn> signIns = signIns(accountId,
                found.stream().flatMap(s -> SessionSignIn.eventOf(s).stream()).toList());
        byte[] key = key(current);
        return found.stream().map(session -> {
            Optional<SignIn> signIn = SessionSignIn.eventOf(session).map(signIns::get);
            return new SignedIn(handle(key, session.getId()), session.getId().equals(current.getId()),
                    signIn.map(SignIn::at).orElse(session.getCreationTime()), session.getLastAccessedTime(),
                    signIn.map(SignIn::address).orElse(null), signIn.map(SignIn::userAgent).orElse(null));
        }).toList();
    }

    /** The id of the person's other session that {@code handle} names, shown to {@code current}; empty if none. */
    Optional<String> otherSessionNamed(String accountId, String handle, HttpSession current) {
        if (handle == null || !(current.getAttribute(HANDLE_KEY) instanceof byte[] key)) {
            return Optional.empty();
        }
        byte[] given = handle.getBytes(StandardCharsets.US_ASCII);
        return live(accountId).keySet().stream()
                .filter(id -> !id.equals(current.getId()))
                .filter(id -> MessageDigest.isEqual(handle(key, id).getBytes(StandardCharsets.US_ASCII), given))
                .findFirst();
    }

    /** The ids of the person's sessions other than {@code current}. */
    List<String> othersThan(String accountId, HttpSession current) {
        return live(accountId).keySet().stream().filter(id -> !id.equals(current.getId())).toList();
    }

    private Map<String, ? extends Session> live(String accountId) {
        return sessions.findByPrincipalName(accountId).entrySet().stream()
                .filter(entry -> !entry.getValue().isExpired())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private record SignIn(long id, Instant at, String address, String userAgent) {}

    /** The sign-in events of these ids that are the account's own. */
    private Map<Long, SignIn> signIns(String accountId, List<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return jdbc.sql("""
                SELECT id, occurred_at, address, user_agent FROM audit_event
                WHERE account_id = :account AND event_type = 'signin' AND id IN (:ids)
                """)
                .param("account", accountId)
                .param("ids", ids)
                .query((row, n) -> new SignIn(row.getLong("id"),
                        row.getObject("occurred_at", OffsetDateTime.class).toInstant(), row.getString("address"),
                        row.getString("user_agent")))
                .list().stream()
                .collect(Collectors.toMap(SignIn::id, Function.identity()));
    }

    /** The viewing session's key for handles, made at its first look at the list. */
    private static byte[] key(HttpSession current) {
        if (current.getAttribute(HANDLE_KEY) instanceof byte[] key) {
            return key;
        }
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        current.setAttribute(HANDLE_KEY, key);
        return key;
    }

    private static String handle(byte[] key, String sessionId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] hash = mac.doFinal(sessionId.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
