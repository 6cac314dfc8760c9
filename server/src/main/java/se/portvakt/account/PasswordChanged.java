package se.portvakt.account;

import java.util.Locale;

/**
 * Published when an account's password was changed: whoever holds sessions, tokens, sign-ins in progress or
 * unused recovery links of the account ends them, and the person is told by email.
 *
 * @param flowId the sign-in in progress in the browser that changed the password, which goes on with the new
 *     password; null when the change was made elsewhere
 * @param keptSessionId the browser session that changed the password (on My account), which stays signed in; null
 *     when every session ends
 * @param locale the language of the notice mail (the page's that changed the password)
 */
public record PasswordChanged(Account account, String clientAddress, String flowId, String keptSessionId,
        Locale locale) {}
