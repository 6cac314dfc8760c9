package se.portvakt.signin.flow;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import se.portvakt.account.EmailAddress;

/**
 * One person's sign-in in progress: which step it is at, who it is for, where to go when it is done.
 * Sealed in a cookie of the browser until a factor has passed, then stored server-side ({@link SignInFlowStore}) with
 * its id in the session ({@code signin.BrowserFlows}, decision 0065).
 *
 * @param email the address given at the identify step, null before it
 * @param accountId the account proven by a passed factor, null before that
 * @param clientId the application that asked for the sign-in, when known
 * @param continueUrl the pending authorization request, resumed when the flow is done
 * @param attempts failed submissions in this flow
 * @param sessionMadeWith the account and its last passed factor when the browser's session was made for this flow, as
 *        that factor passed (decision 0067); null when the session was there before, or the flow is not stored
 */
public record SignInFlow(
        String id,
        Step step,
        EmailAddress email,
        String accountId,
        String clientId,
        String continueUrl,
        List<PassedFactor> passedFactors,
        int attempts,
        Instant createdAt,
        Instant expiresAt,
        String sessionMadeWith) {

    public SignInFlow {
        passedFactors = List.copyOf(passedFactors);
    }

    /** A flow whose browser session, if any, was not made for it. */
    public SignInFlow(String id, Step step, EmailAddress email, String accountId, String clientId, String continueUrl,
            List<PassedFactor> passedFactors, int attempts, Instant createdAt, Instant expiresAt) {
        this(id, step, email, accountId, clientId, continueUrl, passedFactors, attempts, createdAt, expiresAt, null);
    }

    /**
     * This flow, stored together with the browser session made for it in this request, as its last factor passed: no
     * one can have planted that session's id before (decision 0067). Unchanged when no factor has passed.
     */
    public SignInFlow withSessionMadeNow() {
        return passedFactors.isEmpty() ? this : new SignInFlow(id, step, email, accountId, clientId, continueUrl,
                passedFactors, attempts, createdAt, expiresAt, lastFactor());
    }

    /**
     * Whether the browser's session was made for this flow when its last factor passed: then whoever holds the session
     * could have finished the sign-in from the start, and signing it in needs no new session id (decision 0067). False
     * once another factor has passed, or the factors were passed again (another account, the back arrow).
     */
    public boolean sessionMadeAtLastFactor() {
        return sessionMadeWith != null && !passedFactors.isEmpty() && sessionMadeWith.equals(lastFactor());
    }

    private String lastFactor() {
        return accountId + ' ' + passedFactors.get(passedFactors.size() - 1).encode();
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** Where the browser goes for this flow now: its step's page, or, once it is finished, the application's request. */
    public String whereNow() {
        return step == Step.DONE ? continueUrl : step.url();
    }

    public SignInFlow atStep(Step next) {
        return new SignInFlow(id, next, email, accountId, clientId, continueUrl, passedFactors, attempts, createdAt,
                expiresAt, sessionMadeWith);
    }

    public SignInFlow identified(EmailAddress address) {
        return new SignInFlow(id, Step.PASSWORD, address, null, clientId, continueUrl, List.of(), attempts, createdAt,
                expiresAt, sessionMadeWith);
    }

    /**
     * A factor passed by {@code account}. Factors belong to one account: when it is another account than the one
     * proven so far, what that one passed is forgotten.
     */
    public SignInFlow passed(String account, PassedFactor factor, Step next) {
        return provenBy(email, account, factor, next);
    }

    /** A further factor of the account already proven (a second factor, or one just set up). */
    public SignInFlow passed(PassedFactor factor, Step next) {
        return passed(accountId, factor, next);
    }

    /**
     * A factor passed outside the password page (a link from an email) proves who this is. A link for another
     * account than the one proven so far (asked for after the back arrow, or at the 2FA prompt) starts the
     * factors again: one person's password and another's link are not two factors of anyone.
     */
    public SignInFlow provenBy(EmailAddress address, String account, PassedFactor factor, Step next) {
        boolean sameAccount = accountId != null && accountId.equals(account) && Objects.equals(email, address);
        List<PassedFactor> factors = new ArrayList<>(sameAccount ? passedFactors : List.of());
        factors.add(factor);
        return new SignInFlow(id, next, address, account, clientId, continueUrl, factors, attempts, createdAt,
                expiresAt, sessionMadeWith);
    }

    /** The authorities of the passed factors, space-separated, as the audit log names them. */
    public String passedFactorNames() {
        return String.join(" ", passedFactors.stream().map(PassedFactor::authority).toList());
    }

    public SignInFlow failedOnce() {
        return new SignInFlow(id, step, email, accountId, clientId, continueUrl, passedFactors, attempts + 1, createdAt,
                expiresAt, sessionMadeWith);
    }

    /**
     * A parameter of the authorization request this flow resumes (its first value), else null; the flow is stored,
     * so what the request asked of the sign-in holds at every step and on every node.
     */
    public String requestParameter(String name) {
        return parameterOf(continueUrl, name);
    }

    /**
     * A parameter of an authorization request URL, decoded as the servlet container decodes it for the authorization
     * server ({@code test%2Dstrict} is {@code test-strict}, {@code +} a space); else null.
     */
    public static String parameterOf(String continueUrl, String wanted) {
        int query = continueUrl.indexOf('?');
        if (query < 0) {
            return null;
        }
        int fragment = continueUrl.indexOf('#', query);
        String parameters = continueUrl.substring(query + 1, fragment < 0 ? continueUrl.length() : fragment);
        for (String parameter : parameters.split("&")) {
            int equals = parameter.indexOf('=');
            String name = decoded(equals < 0 ? parameter : parameter.substring(0, equals));
            if (wanted.equals(name)) {
                return equals < 0 ? "" : decoded(parameter.substring(equals + 1));
            }
        }
        return null;
    }

    /** A query string part as application/x-www-form-urlencoded, or null when malformed (Tomcat drops those). */
    private static String decoded(String part) {
        try {
            return URLDecoder.decode(part, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }
}
