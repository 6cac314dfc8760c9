package se.portvakt.client;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.stereotype.Component;

import se.portvakt.brand.Brand;
import se.portvakt.brand.Brands;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.password.PasswordHasher;

/** Registers applications: turns a {@link ClientDefinition} into Spring Authorization Server's client. */
@Component
public class Clients {

    /** What {@link #apply} did. */
    public enum Change { CREATED, UPDATED, UNCHANGED }

    /** The client setting that says its people must pass a second factor. */
    static final String REQUIRE_TWO_FACTOR = "settings.client.portvakt.require-two-factor";

    /** The token setting naming the algorithm of the client's access tokens (absent: the server's default). */
    public static final String ACCESS_TOKEN_SIGNING_ALGORITHM = "settings.token.portvakt.access-token-signing-alg";

    /** The client setting with the URL that is told when a person's session ends (absent: not told). */
    static final String BACKCHANNEL_LOGOUT_URI = "settings.client.portvakt.backchannel-logout-uri";

    /** The client setting that says its logout tokens must carry the session's {@code sid}. */
    static final String BACKCHANNEL_LOGOUT_SESSION_REQUIRED = "settings.client.portvakt.backchannel-logout-session-required";

    private final RegisteredClientRepository repository;
    private final PasswordHasher hasher;
    private final PortvaktProperties.Tokens tokens;
    private final ClientSecretEncoder secrets;
    private final Brands brands;

    Clients(RegisteredClientRepository repository, PasswordHasher hasher, ClientSecretEncoder secrets,
            PortvaktProperties properties, Brands brands) {
        this.repository = repository;
        this.brands = brands;
        this.hasher = hasher;
        this.secrets = secrets;
        this.tokens = properties.tokens();
    }

    /** True when the application with this client_id requires two-factor authentication of everyone. */
    public boolean requiresTwoFactor(String clientId) {
        if (clientId == null) {
            return false;
        }
        RegisteredClient client = repository.findByClientId(clientId);
        return client != null && requiresTwoFactor(client);
    }

    /**
     * The name of the application with this client_id as people should see it (the display name of its look, else
     * its client name, else the client_id), e.g. on a push request in Portvakt Authenticator or in a recovery mail;
     * "Portvakt" for a sign-in of Portvakt's own pages.
     */
    public String displayName(String clientId) {
        var branded = brands.of(clientId).map(Brand::displayName);
        if (branded.isPresent()) {
            return branded.get();
        }
        RegisteredClient client = clientId == null ? null : repository.findByClientId(clientId);
        if (client == null) {
            return "Portvakt";
        }
        String name = client.getClientName();
        return name == null || name.isBlank() ? client.getClientId() : name;
    }

    /**
     * True when this secret of the client with this client_id was found right a short while ago, so that checking
     * it again costs no password hash (decision 0006): a right secret, not a guess.
     */
    public boolean remembersSecret(String clientId, String rawSecret) {
        RegisteredClient client = clientId == null ? null : repository.findByClientId(clientId);
        return client != null && secrets.remembers(rawSecret, client.getClientSecret());
    }

    /** True when this registered application requires two-factor authentication of everyone. */
    public static boolean requiresTwoFactor(RegisteredClient client) {
        return Boolean.TRUE.equals(client.getClientSettings().getSetting(REQUIRE_TWO_FACTOR));
    }

    /**
     * The hash to store: the definition's own when it gives one (no hashing at all), else the stored hash while the
     * secret still matches it, else a new hash of the secret.
     */
    private String secretHash(ClientDefinition definition, String storedHash) {
        if (definition.secretHash() != null) {
            return definition.secretHash();
        }
        boolean unchanged = storedHash != null && hasher.verify(definition.secret(), storedHash).matches();
        return unchanged ? storedHash : hasher.hash(definition.secret());
    }

    /** Where this application is told that a person's session ended (Back-Channel Logout), if anywhere. */
    public static Optional<URI> backchannelLogoutUri(RegisteredClient client) {
        Object uri = client.getClientSettings().getSetting(BACKCHANNEL_LOGOUT_URI);
        return uri instanceof String text && !text.isBlank() ? Optional.of(URI.create(text)) : Optional.empty();
    }

    /** True when this application's logout tokens must name the session ({@code sid}). */
    public static boolean backchannelLogoutSessionRequired(RegisteredClient client) {
        return !Boolean.FALSE.equals(client.getClientSettings().getSetting(BACKCHANNEL_LOGOUT_SESSION_REQUIRED));
    }

    /**
     * Creates the client or brings it in line with the definition. A secret that still matches its stored
     * hash keeps that hash, so applying the same definition twice changes nothing, and writes nothing: the
     * bootstrap file is applied at every start of every node.
     */
    public Change apply(ClientDefinition definition) {
        RegisteredClient existing = repository.findByClientId(definition.id());
        RegisteredClient.Builder builder = existing == null
                ? RegisteredClient.withId(UUID.randomUUID().toString()).clientIdIssuedAt(Instant.now())
                : RegisteredClient.from(existing);
        builder.clientId(definition.id())
                .clientName(definition.name())
                .clientAuthenticationMethods(methods -> methods.clear())
                .authorizationGrantTypes(grants -> grants.clear())
                .redirectUris(uris -> {
                    uris.clear();
                    uris.addAll(definition.redirectUris());
                })
                .postLogoutRedirectUris(uris -> {
                    uris.clear();
                    uris.addAll(definition.postLogoutRedirectUris());
                })
                .scopes(scopes -> {
                    scopes.clear();
                    scopes.addAll(definition.scopes());
                });

        switch (definition.type()) {
            case WEB -> builder
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE);
            case NATIVE -> builder
                    .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .clientSecret(null);
            case MACHINE -> builder
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                    .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS);
        }
        if (definition.type() != ClientType.MACHINE && definition.scopes().contains("offline_access")) {
            builder.authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN);
        }
        if (definition.type() != ClientType.NATIVE) {
            builder.clientSecret(secretHash(definition, existing == null ? null : existing.getClientSecret()));
        }

        ClientSettings.Builder clientSettings = ClientSettings.builder()
                .requireProofKey(definition.type() == ClientType.NATIVE)
                .requireAuthorizationConsent(false)
                .setting(REQUIRE_TWO_FACTOR, definition.requireTwoFactor());
        if (definition.backchannelLogoutUri() != null) {
            clientSettings.setting(BACKCHANNEL_LOGOUT_URI, definition.backchannelLogoutUri())
                    .setting(BACKCHANNEL_LOGOUT_SESSION_REQUIRED, definition.backchannelLogoutSessionRequired());
        }
        builder.clientSettings(clientSettings.build());
        String algorithm = definition.idTokenSigningAlgorithm() != null
                ? definition.idTokenSigningAlgorithm() : tokens.idTokenSigningAlgorithm();
        TokenSettings.Builder tokenSettings = TokenSettings.builder();
        if (definition.accessTokenSigningAlgorithm() != null) {
            tokenSettings.setting(ACCESS_TOKEN_SIGNING_ALGORITHM, definition.accessTokenSigningAlgorithm());
        }
        builder.tokenSettings(tokenSettings
                .accessTokenTimeToLive(tokens.accessTokenTtl())
                .refreshTokenTimeToLive(tokens.refreshTokenTtl())
                // Public clients get a new refresh token at every use (rotation); the old one stops working.
                .reuseRefreshTokens(definition.type() != ClientType.NATIVE)
                .idTokenSignatureAlgorithm(SignatureAlgorithm.from(algorithm))
                .build());

        RegisteredClient client = builder.build();
        if (client.equals(existing)) {
            return Change.UNCHANGED;
        }
        repository.save(client);
        return existing == null ? Change.CREATED : Change.UPDATED;
    }
}
