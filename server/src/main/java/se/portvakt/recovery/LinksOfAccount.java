package se.portvakt.recovery;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import se.portvakt.account.PasswordChanged;

/** Voids an account's unused reset and sign-in links when its password changes: they were sent for the old one. */
@Component
class LinksOfAccount {

    private final RecoveryTokens tokens;

    LinksOfAccount(RecoveryTokens tokens) {
        this.tokens = tokens;
    }

    @EventListener
    void passwordChanged(PasswordChanged event) {
        tokens.voidUnused(event.account().id());
    }
}
