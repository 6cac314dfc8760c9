package se.portvakt.bootstrap;

import java.util.List;

import se.portvakt.client.ClientType;

/** The bootstrap YAML file: the clients and accounts an operator declares. */
record BootstrapFile(List<Client> clients, List<AccountEntry> accounts) {

    BootstrapFile {
        clients = clients == null ? List.of() : clients;
        accounts = accounts == null ? List.of() : accounts;
    }

    /**
     * A {@code clients} entry.
     *
     * @param displayName the name on the sign-in screens ("Sign in to Flex HRM"), else {@code name}
     * @param logo an SVG or PNG of at most 20 KB: a path relative to the bootstrap file, {@code classpath:...}, or an
     *     {@code https:} URL fetched at start
     * @param accentColor {@code #rrggbb} for buttons and links, with a contrast of at least 4.5:1 with white
     * @param backchannelLogoutUri where the application is told that a person's session ended (http or https)
     * @param backchannelLogoutSessionRequired logout tokens always carry the session's sid (default true)
     * @param secretHash the secret's hash instead of the secret ({@code {argon2}...}): the file then holds no
     *     secret, and the start hashes nothing for this client
     */
    record Client(String id, String name, ClientType type, String secret, List<String> redirectUris,
            List<String> postLogoutRedirectUris, List<String> scopes, String idTokenSigningAlg, String accessTokenSigningAlg,
            Boolean requireTwoFactor, String displayName, String logo, String accentColor, String backchannelLogoutUri,
            Boolean backchannelLogoutSessionRequired, String secretHash) {}

    /**
     * An {@code accounts} entry.
     *
     * @param password a plain-text password, hashed on load (set only while the account has none)
     * @param passwordHash an imported hash with its prefix, e.g. {@code {bcrypt}$2a$10$...}
     */
    record AccountEntry(String email, String name, Boolean emailVerified, String password, String passwordHash) {}
}
