package se.portvakt.signin;

import java.time.Instant;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import se.portvakt.account.PasswordChanged;
import se.portvakt.signin.flow.SignInFlowStore;

/**
 * Ends an account's sign-ins in progress elsewhere when its password changes: one that passed the old password
 * must not finish with it. (Its browser sessions and tokens are ended by {@code oidc.AccountSessions}, which also
 * tells the applications.)
 */
@Component
class SessionsOfAccount {

    private final SignInFlowStore flows;

    SessionsOfAccount(SignInFlowStore flows) {
        this.flows = flows;
    }

    @EventListener
    void passwordChanged(PasswordChanged event) {
        flows.endProvenFlowsOf(event.account().id(), event.flowId(), Instant.now());
    }
}
