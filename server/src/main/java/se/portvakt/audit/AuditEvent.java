package se.portvakt.audit;

/**
 * One security event for the audit log.
 *
 * @param type what happened, dotted, e.g. {@code signin.password}
 * @param outcome {@code success}, {@code failure}, {@code locked}, ...
 * @param accountId the account, when one is known
 * @param email the email address given, when one was
 * @param clientId the application the person was signing in to, when known
 * @param address the client's IP address
 * @param detail a short reason, never a secret
 * @param userAgent the browser's User-Agent header, kept for sign-ins (My account names the browser of the previous
 *        one); null for other events
 */
public record AuditEvent(String type, String outcome, String accountId, String email, String clientId, String address,
        String detail, String userAgent) {

    /** An event without the browser's User-Agent: every event but the sign-in. */
    public AuditEvent(String type, String outcome, String accountId, String email, String clientId, String address,
            String detail) {
        this(type, outcome, accountId, email, clientId, address, detail, null);
    }
}
