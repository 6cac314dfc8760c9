package se.portvakt.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * An application as the operator declares it (the bootstrap file's {@code clients} entries).
 *
 * @param id the OAuth {@code client_id}
 * @param secret the client secret in plain text (web and machine only); stored only as a hash
 * @param idTokenSigningAlgorithm RS256 or ES256, or null for the server's default
 * @param accessTokenSigningAlgorithm RS256 or ES256, or null for the server's default; ES256 costs the server
 *     less CPU per token, and every resource server that verifies the JWT must accept it
 * @param requireTwoFactor people signing in to this application must pass a second factor (no "remind me later")
 * @param backchannelLogoutUri where the application is told that a person's session ended (OpenID Connect
 *     Back-Channel Logout 1.0): an absolute http or https URL, or null for an application that is not told
 * @param backchannelLogoutSessionRequired the application needs the {@code sid} in every logout token, so an
 *     account-wide end tells it once per session rather than once for the person
 * @param secretHash instead of {@code secret}: its hash as stored ({@code {argon2}...}, {@code {bcrypt}...} or
 *     {@code {pbkdf2}...}), so that the operator's file holds no secret and applying it hashes nothing
 */
public record ClientDefinition(
        String id,
        String name,
        ClientType type,
        String secret,
        List<String> redirectUris,
        List<String> postLogoutRedirectUris,
        List<String> scopes,
        String idTokenSigningAlgorithm,
        String accessTokenSigningAlgorithm,
        boolean requireTwoFactor,
        String backchannelLogoutUri,
        boolean backchannelLogoutSessionRequired,
        String secretHash) {

    /** An application whose secret is given in plain text. */
    public ClientDefinition(String id, String name, ClientType type, String secret, List<String> redirectUris,
            List<String> postLogoutRedirectUris, List<String> scopes, String idTokenSigningAlgorithm,
            String accessTokenSigningAlgorithm, boolean requireTwoFactor, String backchannelLogoutUri,
            boolean backchannelLogoutSessionRequired) {
        this(id, name, type, secret, redirectUris, postLogoutRedirectUris, scopes, idTokenSigningAlgorithm,
                accessTokenSigningAlgorithm, requireTwoFactor, backchannelLogoutUri, backchannelLogoutSessionRequired,
                null);
    }

    /** An application that is not told when sessions end. */
    public ClientDefinition(String id, String name, ClientType type, String secret, List<String> redirectUris,
            List<String> postLogoutRedirectUris, List<String> scopes, String idTokenSigningAlgorithm,
            String accessTokenSigningAlgorithm, boolean requireTwoFactor) {
        this(id, name, type, secret, redirectUris, postLogoutRedirectUris, scopes, idTokenSigningAlgorithm,
                accessTokenSigningAlgorithm, requireTwoFactor, null, true);
    }

    public ClientDefinition {
        require(id != null && id.matches("[A-Za-z0-9._~-]{1,100}"), "client id must be 1-100 URL-safe characters");
        require(type != null, "client " + id + ": type must be web, native or machine");
        name = name == null || name.isBlank() ? id : name;
        redirectUris = redirectUris == null ? List.of() : List.copyOf(redirectUris);
        postLogoutRedirectUris = postLogoutRedirectUris == null ? List.of() : List.copyOf(postLogoutRedirectUris);
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        if (type == ClientType.NATIVE) {
            require((secret == null || secret.isEmpty()) && secretHash == null,
                    "client " + id + ": a native client has no secret");
        } else if (secretHash != null) {
            require(secret == null, "client " + id + ": give secret or secret-hash, not both");
            require(secretHash.matches("^\\{(argon2|bcrypt|pbkdf2)}.+"),
                    "client " + id + ": secret-hash must start with {argon2}, {bcrypt} or {pbkdf2}");
        } else {
            require(secret != null && secret.length() >= 8, "client " + id + ": a secret of at least 8 characters is required");
        }
        if (type == ClientType.MACHINE) {
            require(redirectUris.isEmpty(), "client " + id + ": a machine client has no redirect URIs");
        } else {
            require(!redirectUris.isEmpty(), "client " + id + ": at least one redirect URI is required");
        }
        redirectUris.forEach(uri -> requireAbsolute(id, uri));
        postLogoutRedirectUris.forEach(uri -> requireAbsolute(id, uri));
        require(idTokenSigningAlgorithm == null || idTokenSigningAlgorithm.equals("RS256")
                || idTokenSigningAlgorithm.equals("ES256"), "client " + id + ": id-token-signing-alg must be RS256 or ES256");
        require(accessTokenSigningAlgorithm == null || accessTokenSigningAlgorithm.equals("RS256")
                || accessTokenSigningAlgorithm.equals("ES256"),
                "client " + id + ": access-token-signing-alg must be RS256 or ES256");
        if (backchannelLogoutUri != null) {
            require(type != ClientType.MACHINE, "client " + id + ": a machine client has no people to sign out,"
                    + " so no backchannel-logout-uri");
            requireHttpUrl(id, backchannelLogoutUri);
        }
    }

    /** OpenID Connect Back-Channel Logout 1.0 section 2.2: an absolute http(s) URL, no fragment. */
    private static void requireHttpUrl(String id, String uri) {
        String problem = "client " + id + ": backchannel-logout-uri " + uri
                + " must be an absolute http or https URL with a host and no fragment";
        try {
            URI parsed = new URI(uri);
            require(("http".equalsIgnoreCase(parsed.getScheme()) || "https".equalsIgnoreCase(parsed.getScheme()))
                    && parsed.getHost() != null && parsed.getFragment() == null, problem);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(problem, e);
        }
    }

    private static void requireAbsolute(String id, String uri) {
        try {
            URI parsed = new URI(uri);
            require(parsed.isAbsolute() && parsed.getFragment() == null,
                    "client " + id + ": redirect URI " + uri + " must be absolute and have no fragment");
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("client " + id + ": redirect URI " + uri + " is not a URI");
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
