package se.portvakt.signin.flow;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import se.portvakt.account.EmailAddress;
import se.portvakt.housekeeping.Purge;

/** Keeps sign-in flows in the database, so that any node can serve the next step. */
@Repository
public class SignInFlowStore implements Purge {

    private final JdbcClient jdbc;

    SignInFlowStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a new flow; what its session was made with is stored only here, and never changes after. */
    public void insert(SignInFlow flow) {
        jdbc.sql("""
                INSERT INTO signin_flow (id, step, email, account_id, client_id, continue_url, passed_factors, attempts,
                                         created_at, expires_at, session_made_with)
                VALUES (:id, :step, :email, :account, :client, :continue, :factors, :attempts, :created, :expires,
                        :sessionMadeWith)
                """)
                .paramSource(parameters(flow))
                .update();
    }

    public void update(SignInFlow flow) {
        jdbc.sql("""
                UPDATE signin_flow SET step = :step, email = :email, account_id = :account, passed_factors = :factors,
                                       attempts = :attempts
                WHERE id = :id
                """)
                .paramSource(parameters(flow))
                .update();
    }

    /**
     * {@link #update}, only while the stored flow is still at {@code readAt}, the step it was read at: false when
     * another request (the same form sent twice at once, on this node or another) moved it on meanwhile, whose
     * result must not be overwritten by this one's. Ends the flow's code check ({@link #beginCodeCheck}).
     */
    public boolean updateFrom(Step readAt, SignInFlow flow) {
        return jdbc.sql("""
                UPDATE signin_flow SET step = :step, email = :email, account_id = :account, passed_factors = :factors,
                                       attempts = :attempts, code_check_until = NULL
                WHERE id = :id AND step = :readAt
                """)
                .params(parameters(flow, readAt))
                .update() == 1;
    }

    /**
     * Takes the flow's code check (decision 0052): true when the flow is still at {@code step} and no other request
     * holds its check (or the one that did has held it past its time, {@code until} being this one's). The check ends
     * when the answer is stored ({@link #updateFrom}) or by {@link #endCodeCheck}.
     */
    public boolean beginCodeCheck(String id, Step step, Instant now, Instant until) {
        return jdbc.sql("""
                UPDATE signin_flow SET code_check_until = :until
                WHERE id = :id AND step = :step AND (code_check_until IS NULL OR code_check_until < :now)
                """)
                .param("until", utc(until))
                .param("id", id)
                .param("step", step.name())
                .param("now", utc(now))
                .update() == 1;
    }

    /** Whether another request holds the flow's code check now; empty when the flow is not stored. */
    public Optional<Boolean> codeCheckUnderway(String id, Instant now) {
        return jdbc.sql("SELECT code_check_until FROM signin_flow WHERE id = :id")
                .param("id", id)
                .query((rs, row) -> {
                    OffsetDateTime until = rs.getObject("code_check_until", OffsetDateTime.class);
                    return until != null && until.toInstant().isAfter(now);
                })
                .optional();
    }

    /** Ends the flow's code check without storing an answer (nothing was checked: the limits refused it). */
    public void endCodeCheck(String id) {
        jdbc.sql("UPDATE signin_flow SET code_check_until = NULL WHERE id = :id").param("id", id).update();
    }

    /** The flow with this id, unless it has expired. */
    public Optional<SignInFlow> find(String id, Instant now) {
        return jdbc.sql("SELECT * FROM signin_flow WHERE id = :id")
                .param("id", id)
                .query(SignInFlowStore::map)
                .optional()
                .filter(flow -> !flow.isExpired(now));
    }

    /** Where the flow with this id was to continue, also after it expired (until it is purged). */
    public Optional<String> continueUrlOf(String id) {
        return jdbc.sql("SELECT continue_url FROM signin_flow WHERE id = :id")
                .param("id", id)
                .query(String.class)
                .optional();
    }

    /**
     * Ends the sign-ins in progress that a factor has proven for the account (its password changed). They expire
     * rather than vanish, so starting again still knows the application's request. The one that goes on
     * ({@code kept}, may be null) loses what it had passed: the old password proves nothing any more.
     */
    public void endProvenFlowsOf(String accountId, String kept, Instant now) {
        String goesOn = kept == null ? "" : kept;
        jdbc.sql("""
                UPDATE signin_flow SET expires_at = :now
                WHERE account_id = :account AND expires_at > :now AND id <> :kept
                """)
                .param("now", utc(now))
                .param("account", accountId)
                .param("kept", goesOn)
                .update();
        jdbc.sql("UPDATE signin_flow SET account_id = NULL, passed_factors = '' WHERE id = :kept AND account_id = :account")
                .param("kept", goesOn)
                .param("account", accountId)
                .update();
    }

    public void delete(String id) {
        jdbc.sql("DELETE FROM signin_flow WHERE id = :id").param("id", id).update();
    }

    /**
     * Marks the flow finished ({@link Step#DONE}) only while it is still at {@code readAt}: true for the one request that
     * finishes it, false for any other that read it at that step too (the same form sent twice at once, on this node or
     * another). The row stays until it expires, so that such a copy still finds where the sign-in went.
     */
    public boolean finishFrom(Step readAt, String id) {
        return jdbc.sql("UPDATE signin_flow SET step = 'DONE' WHERE id = :id AND step = :readAt AND step <> 'DONE'")
                .param("id", id)
                .param("readAt", readAt.name())
                .update() == 1;
    }

    @Override
    public String name() {
        return "signin-flows";
    }

    /** Flows that expired: a person coming back to one starts again. */
    @Override
    public int purgeBatch(Instant now, int batchSize) {
        return jdbc.sql("""
                DELETE FROM signin_flow WHERE id IN
                    (SELECT id FROM signin_flow WHERE expires_at < :now FETCH FIRST :batch ROWS ONLY)
                """)
                .param("now", utc(now))
                .param("batch", batchSize)
                .update();
    }

    private static java.util.Map<String, Object> parameters(SignInFlow flow, Step readAt) {
        var p = parameters(flow);
        p.put("readAt", readAt.name());
        return p;
    }

    private static java.util.Map<String, Object> parameters(SignInFlow flow) {
        var p = new java.util.HashMap<String, Object>();
        p.put("id", flow.id());
        p.put("step", flow.step().name());
        p.put("email", flow.email() == null ? null : flow.email().value());
        p.put("account", flow.accountId());
        p.put("client", flow.clientId());
        p.put("continue", flow.continueUrl());
        p.put("factors", flow.passedFactors().stream().map(PassedFactor::encode).collect(Collectors.joining(",")));
        p.put("attempts", flow.attempts());
        p.put("created", utc(flow.createdAt()));
        p.put("expires", utc(flow.expiresAt()));
        p.put("sessionMadeWith", flow.sessionMadeWith());
        return p;
    }

    private static SignInFlow map(ResultSet rs, int row) throws SQLException {
        String email = rs.getString("email");
        String factors = rs.getString("passed_factors");
        List<PassedFactor> passed = factors == null || factors.isEmpty()
                ? List.of()
                : Arrays.stream(factors.split(",")).map(PassedFactor::decode).toList();
        return new SignInFlow(
                rs.getString("id"),
                Step.valueOf(rs.getString("step")),
                email == null ? null : new EmailAddress(email),
                rs.getString("account_id"),
                rs.getString("client_id"),
                rs.getString("continue_url"),
                passed,
                rs.getInt("attempts"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("expires_at", OffsetDateTime.class).toInstant(),
                rs.getString("session_made_with"));
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
