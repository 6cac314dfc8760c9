package se.portvakt.oidc;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import se.portvakt.account.PasswordChanged;

/**
 * Ends an account's sessions when its password changes: every browser session (but the one that changed it on My
 * account), every authorization (and with it its refresh and access tokens), and tells the applications that want to
 * know ({@link AccountSessions#endAll}).
 */
@Component
class TokensOfAccount {

    private final AccountSessions sessions;

    TokensOfAccount(AccountSessions sessions) {
        this.sessions = sessions;
    }

    @EventListener
    void passwordChanged(PasswordChanged event) {
        sessions.endAll(event.account().id(), AccountSessions.Reason.PASSWORD_CHANGED, event.clientAddress(),
                event.keptSessionId());
    }
}
