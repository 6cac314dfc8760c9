package se.portvakt.oidc;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Component;

import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.client.Clients;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.delivery.logout.LogoutDeliveryProperties;
import se.portvakt.delivery.logout.LogoutTokenSender;

/**
 * Tells applications that a person's session ended (OpenID Connect Back-Channel Logout 1.0, decision 0025): each
 * notice is a row of {@code backchannel_logout}, written where the session ends, and sent from here by every node
 * in the background, so that a slow or absent application never holds up the person's sign-out page and a notice
 * survives a restart. A send goes through {@link LogoutTokenSender}; what is not delivered is tried again after
 * {@code portvakt.backchannel-logout.retry-delays}, then given up. Each outcome is audited.
 */
@Component
class BackChannelLogout {

    /** A logout token owed to an application: for the person ({@code sub}) and, when known, the session. */
    record Notice(String clientId, String accountId, String sid, String reason) {}

    static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";
    static final String TOKEN_TYPE = "logout+jwt";
    static final String AUDIT_TYPE = "logout.backchannel";

    /** Long enough for the application's clock to differ a little, short enough that a stolen token soon expires. */
    static final Duration TOKEN_LIFETIME = Duration.ofMinutes(2);
    private static final int BATCH = 20;
    private static final Logger log = LoggerFactory.getLogger(BackChannelLogout.class);

    private record Row(String id, String clientId, String accountId, String sid, String reason, int attempts) {}

    private final JdbcClient jdbc;
    private final RegisteredClientRepository clients;
    private final JwtEncoder encoder;
    private final AuditLog audit;
    private final BackChannelLogoutProperties settings;
    private final String issuer;
    private final LogoutTokenSender sender;
    private final LogoutDeliveryProperties delivery;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "backchannel-logout");
        thread.setDaemon(true);
        return thread;
    });

    BackChannelLogout(JdbcClient jdbc, RegisteredClientRepository clients, JwtEncoder encoder, AuditLog audit,
            BackChannelLogoutProperties settings, PortvaktProperties properties, LogoutTokenSender sender,
            LogoutDeliveryProperties delivery) {
        this.jdbc = jdbc;
        this.clients = clients;
        this.encoder = encoder;
        this.audit = audit;
        this.settings = settings;
        this.issuer = properties.issuer();
        this.sender = sender;
        this.delivery = delivery;
    }

    /**
     * Sends on a thread of its own: an application that takes its time (up to the timeouts) must not hold up the
     * shared scheduler, whose tasks include the sign-in's waiting pages.
     */
    @EventListener(ApplicationReadyEvent.class)
    void start() {
        long interval = settings.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::sendDue, interval, interval, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        poller.shutdownNow();
    }

    /** Queues the notices; they are sent within a poll interval, by whichever node takes them first. */
    void enqueue(Collection<Notice> notices) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        for (Notice notice : notices) {
            jdbc.sql("""
                    INSERT INTO backchannel_logout
                        (id, client_id, account_id, sid, reason, attempts, next_attempt_at, created_at)
                    VALUES (:id, :client, :account, :sid, :reason, 0, :now, :now)
                    """)
                    .param("id", UUID.randomUUID().toString())
                    .param("client", notice.clientId())
                    .param("account", notice.accountId())
                    .param("sid", notice.sid())
                    .param("reason", notice.reason())
                    .param("now", now)
                    .update();
        }
    }

    /** Sends the notices that are due, at once (each waits only for its own application), and records each outcome. */
    void sendDue() {
        try {
            Instant now = Instant.now();
            List<Row> claimed = due(now).stream().filter(row -> claim(row, now)).toList();
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            for (Row row : claimed) {
                sends.add(send(row));
            }
            sends.forEach(CompletableFuture::join);
        } catch (RuntimeException e) {
            // The next poll tries again; a database that is away for a moment must not stop the schedule.
            log.warn("Back-channel logout: could not work the queue: {}", e.toString());
        }
    }

    private List<Row> due(Instant now) {
        return jdbc.sql("""
                SELECT id, client_id, account_id, sid, reason, attempts FROM backchannel_logout
                WHERE next_attempt_at <= :now ORDER BY next_attempt_at FETCH FIRST %d ROWS ONLY
                """.formatted(BATCH))
                .param("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .query((rs, n) -> new Row(rs.getString("id"), rs.getString("client_id"), rs.getString("account_id"),
                        rs.getString("sid"), rs.getString("reason"), rs.getInt("attempts")))
                .list();
    }

    /**
     * Takes the row for this node's attempt: raising its attempts from the value read holds for one node only. Until
     * the outcome is recorded the row is not due, and it becomes due again by itself should this node stop.
     */
    private boolean claim(Row row, Instant now) {
        Instant lease = now.plus(delivery.longest()).plusSeconds(30);
        return jdbc.sql("""
                UPDATE backchannel_logout SET attempts = attempts + 1, next_attempt_at = :lease
                WHERE id = :id AND attempts = :attempts
                """)
                .param("lease", OffsetDateTime.ofInstant(lease, ZoneOffset.UTC))
                .param("id", row.id())
                .param("attempts", row.attempts())
                .update() == 1;
    }

    private CompletableFuture<Void> send(Row row) {
        int attempt = row.attempts() + 1;
        RegisteredClient client = clients.findByClientId(row.clientId());
        Optional<URI> uri = client == null ? Optional.empty() : Clients.backchannelLogoutUri(client);
        if (uri.isEmpty()) {
            finish(row, "gave-up", "the application no longer has a backchannel-logout-uri");
            return CompletableFuture.completedFuture(null);
        }
        String jti = UUID.randomUUID().toString();
        String detail = "reason " + row.reason() + ", attempt " + attempt + ", jti " + jti;
        return sender.send(uri.get(), logoutToken(client, row, jti)).thenAccept(outcome -> {
            if (outcome.delivered()) {
                finish(row, "delivered", detail);
            } else {
                failed(row, attempt, detail + ": " + outcome.detail());
            }
        });
    }

    /**
     * The logout token (section 2.4): signed like the application's ID tokens, with the {@code logout+jwt} type
     * that keeps it from being taken for an ID token, and never a nonce.
     */
    private String logoutToken(RegisteredClient client, Row row, String jti) {
        Instant now = Instant.now();
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
                .issuer(issuer)
                .audience(List.of(client.getClientId()))
                .issuedAt(now)
                .expiresAt(now.plus(TOKEN_LIFETIME))
                .id(jti)
                .subject(row.accountId())
                .claim("events", Map.of(EVENT, Map.of()));
        if (row.sid() != null) {
            claims.claim("sid", row.sid());
        }
        JwsHeader header = JwsHeader.with(client.getTokenSettings().getIdTokenSignatureAlgorithm())
                .type(TOKEN_TYPE).build();
        return encoder.encode(JwtEncoderParameters.from(header, claims.build())).getTokenValue();
    }

    private void failed(Row row, int attempt, String detail) {
        if (attempt >= settings.attempts()) {
            log.warn("Back-channel logout to {} given up after {} attempts ({})", row.clientId(), attempt, detail);
            finish(row, "gave-up", detail);
            return;
        }
        Instant next = Instant.now().plus(settings.retryDelays().get(attempt - 1));
        jdbc.sql("UPDATE backchannel_logout SET next_attempt_at = :next WHERE id = :id")
                .param("next", OffsetDateTime.ofInstant(next, ZoneOffset.UTC))
                .param("id", row.id())
                .update();
        audit.record(new AuditEvent(AUDIT_TYPE, "failed", row.accountId(), null, row.clientId(), null, detail));
    }

    private void finish(Row row, String outcome, String detail) {
        jdbc.sql("DELETE FROM backchannel_logout WHERE id = :id").param("id", row.id()).update();
        audit.record(new AuditEvent(AUDIT_TYPE, outcome, row.accountId(), null, row.clientId(), null, detail));
    }
}
