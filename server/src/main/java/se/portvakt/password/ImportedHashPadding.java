package se.portvakt.password;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import se.portvakt.account.AccountStore;

/**
 * Tells the {@link PasswordHasher} which shapes of stored hash the accounts hold besides today's Argon2id, so
 * that every check pays for each of them: once the server is ready (after the bootstrap's imports) and every
 * ten minutes, as sign-ins replace imported hashes and their extra work goes away.
 */
@Component
class ImportedHashPadding {

    private final AccountStore accounts;
    private final PasswordHasher hasher;

    ImportedHashPadding(AccountStore accounts, PasswordHasher hasher) {
        this.accounts = accounts;
        this.hasher = hasher;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT10M")
    void refresh() {
        Map<String, String> oneOfEachShape = new HashMap<>();
        accounts.forEachPasswordHashNotStartingWith(hasher.currentShape(),
                hash -> oneOfEachShape.putIfAbsent(PasswordHasher.shape(hash), hash));
        hasher.padTo(oneOfEachShape.values());
    }
}
