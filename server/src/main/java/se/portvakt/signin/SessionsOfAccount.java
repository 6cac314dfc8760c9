package se.portvakt.signin;

import java.time.Instant;

import org.springframework.context.event.EventListener;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;

import se.portvakt.account.PasswordChanged;

/**
 * Signs an account out of every browser when its password changes (sessions are found by account id), and ends
 * its sign-ins in progress elsewhere: one that passed the old password must not finish with it.
 */
@Component
class SessionsOfAccount<S extends Session> {

    private final FindByIndexNameSessionRepository<S> sessions;
    private final SignInFlowStore flows;

    SessionsOfAccount(FindByIndexNameSessionRepository<S> sessions, SignInFlowStore flows) {
        this.sessions = sessions;
        this.flows = flows;
    }

    @EventListener
    void passwordChanged(PasswordChanged event) {
        sessions.findByPrincipalName(event.account().id()).keySet().forEach(sessions::deleteById);
        flows.endProvenFlowsOf(event.account().id(), event.flowId(), Instant.now());
    }
}
