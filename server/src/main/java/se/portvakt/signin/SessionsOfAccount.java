package se.portvakt.signin;

import org.springframework.context.event.EventListener;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;

import se.portvakt.account.PasswordChanged;

/** Signs an account out of every browser when its password changes (sessions are found by account id). */
@Component
class SessionsOfAccount<S extends Session> {

    private final FindByIndexNameSessionRepository<S> sessions;

    SessionsOfAccount(FindByIndexNameSessionRepository<S> sessions) {
        this.sessions = sessions;
    }

    @EventListener
    void passwordChanged(PasswordChanged event) {
        sessions.findByPrincipalName(event.account().id()).keySet().forEach(sessions::deleteById);
    }
}
