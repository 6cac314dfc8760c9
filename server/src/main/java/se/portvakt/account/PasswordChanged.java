package se.portvakt.account;

/**
 * Published when an account's password was changed: whoever holds sessions, tokens, sign-ins in progress or
 * unused recovery links of the account ends them, and the person is told by email.
 *
 * @param flowId the sign-in in progress in the browser that changed the password, which goes on with the new
 *     password; null when the change was made elsewhere
 * @param keptSessionId the browser session that changed the password (on My account), which stays signed in; null
 *     when every session ends
 */
public record PasswordChanged(Account account, String clientAddress, String flowId, String keptSessionId) {}
