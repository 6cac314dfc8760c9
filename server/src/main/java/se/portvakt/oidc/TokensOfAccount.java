package se.portvakt.oidc;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import se.portvakt.account.PasswordChanged;

/** Ends an account's authorizations, and with them its refresh and access tokens, when its password changes. */
@Component
class TokensOfAccount {

    private final JdbcClient jdbc;

    TokensOfAccount(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventListener
    void passwordChanged(PasswordChanged event) {
        jdbc.sql("DELETE FROM oauth2_authorization WHERE principal_name = :account")
                .param("account", event.account().id())
                .update();
    }
}
