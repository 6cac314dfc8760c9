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
 */
public record AuditEvent(
        String type, String outcome, String accountId, String email, String clientId, String address, String detail) {}
