package se.portvakt.oidc;

import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * The stored consents, read only for an application that asks for consent. Spring's authorization endpoint reads the
 * person's consent for the application at every authorization request, before it asks whether the application wants
 * consent at all; Portvakt's applications are the company's own and do not ask ({@code client.Clients}), so that read
 * (a transaction and a statement per sign-in) would always find nothing. The applications are held in memory, so the
 * question costs no database work.
 */
final class ConsentWhereAsked implements OAuth2AuthorizationConsentService {

    private final OAuth2AuthorizationConsentService stored;
    private final RegisteredClientRepository clients;

    ConsentWhereAsked(OAuth2AuthorizationConsentService stored, RegisteredClientRepository clients) {
        this.stored = stored;
        this.clients = clients;
    }

    @Override
    public void save(OAuth2AuthorizationConsent authorizationConsent) {
        stored.save(authorizationConsent);
    }

    @Override
    public void remove(OAuth2AuthorizationConsent authorizationConsent) {
        stored.remove(authorizationConsent);
    }

    @Override
    public OAuth2AuthorizationConsent findById(String registeredClientId, String principalName) {
        RegisteredClient client = clients.findById(registeredClientId);
        if (client != null && !client.getClientSettings().isRequireAuthorizationConsent()) {
            return null;
        }
        return stored.findById(registeredClientId, principalName);
    }
}
