package se.portvakt.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.account.EmailAddress;
import se.portvakt.client.ClientDefinition;
import se.portvakt.client.ClientType;
import se.portvakt.client.Clients;
import se.portvakt.password.PasswordHasher;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;

/** An operator applies the bootstrap file at every start; it converges and never duplicates or overwrites. */
abstract class BootstrapLoaderTest {

    @OnH2
    static class OnEmbeddedDatabase extends BootstrapLoaderTest {}

    @OnPostgres
    static class OnPostgreSql extends BootstrapLoaderTest {}

    @Autowired
    BootstrapLoader loader;

    @Autowired
    AccountStore accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Clients clients;

    @Autowired
    RegisteredClientRepository registered;

    @Value("${portvakt.issuer}")
    String issuer;

    @TempDir
    Path dir;

    private final String tag = UUID.randomUUID().toString().substring(0, 8);
    private final String email = "boot." + tag + "@example.com";
    private final String clientId = "boot-" + tag;

    @Test
    void applyingTheSameFileTwiceDuplicatesNothing() throws IOException {
        String file = file("first", account("Boot Strap", "password: first password value") + client("Boot app"));

        loader.apply(loader.read(file));
        Account first = account();
        loader.apply(loader.read(file));

        assertThat(jdbc.sql("SELECT count(*) FROM account WHERE email = :e").param("e", email).query(Integer.class).single())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM oauth2_registered_client WHERE client_id = :c").param("c", clientId)
                .query(Integer.class).single()).isEqualTo(1);
        assertThat(account().id()).isEqualTo(first.id());
        assertThat(account().passwordHash()).isEqualTo(first.passwordHash());
        assertThat(hasher.verify("first password value", account().passwordHash().orElseThrow()).matches()).isTrue();
    }

    @Test
    void anUnchangedClientIsNotWrittenAgainButAChangedOneIs() {
        var definition = new ClientDefinition(clientId, "Boot app", ClientType.WEB, "boot-secret",
                List.of("http://localhost:8081/callback"), List.of(), List.of("openid"), null, null, false);
        var renamed = new ClientDefinition(clientId, "Renamed app", ClientType.WEB, "boot-secret",
                List.of("http://localhost:8081/callback"), List.of(), List.of("openid"), null, null, false);
        var newSecret = new ClientDefinition(clientId, "Renamed app", ClientType.WEB, "another boot-secret",
                List.of("http://localhost:8081/callback"), List.of(), List.of("openid"), null, null, false);

        assertThat(clients.apply(definition)).isEqualTo(Clients.Change.CREATED);
        assertThat(clients.apply(definition)).isEqualTo(Clients.Change.UNCHANGED);
        assertThat(clients.apply(renamed)).isEqualTo(Clients.Change.UPDATED);
        assertThat(clients.apply(renamed)).isEqualTo(Clients.Change.UNCHANGED);
        assertThat(clients.apply(newSecret)).isEqualTo(Clients.Change.UPDATED);
    }

    @Test
    void aChangedNameIsApplied() throws IOException {
        loader.apply(loader.read(file("before", account("Old Name", "") + client("Old app name"))));

        loader.apply(loader.read(file("after", account("New Name", "") + client("New app name"))));

        assertThat(account().name()).isEqualTo("New Name");
        assertThat(jdbc.sql("SELECT client_name FROM oauth2_registered_client WHERE client_id = :c").param("c", clientId)
                .query(String.class).single()).isEqualTo("New app name");
    }

    @Test
    void aPasswordInTheFileDoesNotOverwriteOneTheAccountAlreadyHas() throws IOException {
        loader.apply(loader.read(file("first", account("Boot Strap", ""))));
        assertThat(account().passwordHash()).isEmpty();
        accounts.updatePasswordHash(account().id(), hasher.hash("chosen by the person"));

        loader.apply(loader.read(file("second", account("Boot Strap", "password: from the file"))));

        String stored = account().passwordHash().orElseThrow();
        assertThat(hasher.verify("chosen by the person", stored).matches()).isTrue();
        assertThat(hasher.verify("from the file", stored).matches()).isFalse();
    }

    @Test
    void aPasswordInTheFileIsSetWhileTheAccountHasNone() throws IOException {
        loader.apply(loader.read(file("first", account("Boot Strap", ""))));

        loader.apply(loader.read(file("second", account("Boot Strap", "password: from the file"))));

        assertThat(hasher.verify("from the file", account().passwordHash().orElseThrow()).matches()).isTrue();
    }

    @Test
    void anImportedHashIsStoredAsItIs() throws IOException {
        String imported = "{bcrypt}$2a$10$dXJ3SW6G7P50lGmMkkmwe.20cQQubK3.HZWzG3YB1tlRy.fqvM/BG";

        loader.apply(loader.read(file("hash", account("Boot Strap", "password-hash: \"" + imported + "\""))));

        assertThat(account().passwordHash()).contains(imported);
    }

    /**
     * Made with Debian's argon2 command as the README says ({@code echo -n payroll-hash-secret | argon2 "$(openssl
     * rand -base64 12)" -id -t 2 -k 19456 -p 1 -e}, then the {@code {argon2}} prefix): the file holds no secret.
     */
    private static final String SECRET_HASH =
            "{argon2}$argon2id$v=19$m=19456,t=2,p=1$Y3BxRTlGNm5zU3FXaGpaMQ$VlpS4WLvWCwqhCcfZ443Paspl10vVaqqQrB41VruDBE";

    @Test
    void aClientGivenByTheHashOfItsSecretIsStoredWithThatHashAndSignsInWithTheSecret() throws IOException {
        // Spring Authorization Server refuses two clients with one stored secret, so each run makes its own hash.
        String hash = hasher.hash("payroll-hash-secret " + tag);
        String file = file("hashed", """
                clients:
                  - id: %s
                    type: machine
                    secret-hash: "%s"
                    scopes: [hr.read]
                """.formatted(clientId, hash));

        loader.apply(loader.read(file));

        assertThat(registered.findByClientId(clientId).getClientSecret()).isEqualTo(hash);
        assertThat(token("payroll-hash-secret " + tag).statusCode()).isEqualTo(200);
        assertThat(token("payroll-hash-secret").statusCode()).isEqualTo(401);
    }

    @Test
    void aHashMadeWithTheArgon2CommandIsOneTheServerChecks() {
        assertThat(hasher.isSupported(SECRET_HASH)).isTrue();
        assertThat(hasher.verify("payroll-hash-secret", SECRET_HASH).matches()).isTrue();
        assertThat(hasher.verify("payroll-hash-secreT", SECRET_HASH).matches()).isFalse();
        assertThat(SECRET_HASH).startsWith(hasher.currentShape());
    }

    @Test
    void theSameHashAppliedAgainChangesNothingAndAnotherReplacesTheSecret() {
        String first = hasher.hash("first hashed secret " + tag);
        String another = hasher.hash("another hashed secret " + tag);

        assertThat(clients.apply(machine(first))).isEqualTo(Clients.Change.CREATED);
        assertThat(clients.apply(machine(first))).isEqualTo(Clients.Change.UNCHANGED);
        assertThat(clients.apply(machine(another))).isEqualTo(Clients.Change.UPDATED);

        assertThat(registered.findByClientId(clientId).getClientSecret()).isEqualTo(another);
        assertThat(token("first hashed secret " + tag).statusCode()).isEqualTo(401);
        assertThat(token("another hashed secret " + tag).statusCode()).isEqualTo(200);
    }

    @Test
    void aSecretHashThatIsNotAHashOrComesWithTheSecretOrForANativeClientStopsNamingTheClient() throws IOException {
        String notAHash = """
                clients:
                  - id: %s
                    type: machine
                    secret-hash: "{md5}abc"
                """.formatted(clientId);
        String both = """
                clients:
                  - id: %s
                    type: machine
                    secret: boot-secret
                    secret-hash: "%s"
                """.formatted(clientId, SECRET_HASH);
        String nativeClient = """
                clients:
                  - id: %s
                    type: native
                    redirect-uris: [http://127.0.0.1/callback]
                    secret-hash: "%s"
                """.formatted(clientId, SECRET_HASH);

        for (String yaml : List.of(notAHash, both, nativeClient)) {
            BootstrapFile file = loader.read(file("bad-hash", yaml));
            assertThatThrownBy(() -> loader.apply(file)).as(yaml).hasMessageContaining(clientId);
        }
        assertThat(registered.findByClientId(clientId)).isNull();
    }

    @Test
    void theDemoFileGivesHashesOfTheSecretsTheReadmeNames() throws IOException {
        BootstrapFile demo = loader.read("classpath:bootstrap/demo.yaml");

        for (BootstrapFile.Client client : demo.clients()) {
            if (client.type() != ClientType.NATIVE) {
                String secret = client.id().startsWith("payroll-sync") ? "payroll-sync-demo-secret" : client.id() + "-demo-secret";
                assertThat(client.secret()).as(client.id()).isNull();
                assertThat(hasher.verify(secret, client.secretHash()).matches()).as(client.id()).isTrue();
                assertThat(client.secretHash()).startsWith(hasher.currentShape());
            }
        }
        var erik = demo.accounts().stream().filter(a -> a.email().startsWith("erik.")).findFirst().orElseThrow();
        assertThat(hasher.verify("correct horse battery staple", erik.passwordHash()).matches()).isTrue();
        assertThat(erik.passwordHash()).startsWith(hasher.currentShape());
    }

    private ClientDefinition machine(String secretHash) {
        return new ClientDefinition(clientId, null, ClientType.MACHINE, null, List.of(), List.of(), List.of("hr.read"),
                null, null, false, null, true, secretHash);
    }

    private java.net.http.HttpResponse<String> token(String secret) {
        return new HttpAgent(issuer).header("Authorization", OidcClient.basic(clientId, secret))
                .post("/oauth2/token", OidcClient.form("grant_type", "client_credentials", "scope", "hr.read"));
    }

    @Test
    void aMalformedEmailStopsWithAMessageNamingTheEntry() throws IOException {
        BootstrapFile file = loader.read(file("bad", """
                accounts:
                  - email: not-an-address-%s
                    name: Broken
                """.formatted(tag)));

        assertThatThrownBy(() -> loader.apply(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not-an-address-" + tag);
    }

    @Test
    void anUnknownHashPrefixStopsWithAMessageNamingTheEntry() throws IOException {
        BootstrapFile file = loader.read(file("bad", account("Boot Strap", "password-hash: \"{md5}abc\"")));

        assertThatThrownBy(() -> loader.apply(file)).hasMessageContaining(email).hasMessageContaining("password-hash");
        assertThat(accounts.findByEmail(new EmailAddress(email))).isEmpty();
    }

    @Test
    void bothPasswordAndHashStopWithAMessageNamingTheEntry() throws IOException {
        BootstrapFile file = loader.read(file("bad", account("Boot Strap",
                "password: plain\n    password-hash: \"{bcrypt}$2a$10$dXJ3SW6G7P50lGmMkkmwe.20cQQubK3.HZWzG3YB1tlRy.fqvM/BG\"")));

        assertThatThrownBy(() -> loader.apply(file)).hasMessageContaining(email).hasMessageContaining("not both");
    }

    @Test
    void aBackChannelLogoutUriIsKeptWithTheClientAndNeedsTheSidUnlessToldOtherwise() throws IOException {
        String told = clientId + "-told";
        String bySubject = clientId + "-sub";
        loader.apply(loader.read(file("told", """
                clients:
                  - id: %s
                    type: web
                    secret: boot-secret
                    redirect-uris: [http://localhost:9999/callback]
                    backchannel-logout-uri: https://app.example.com/logout/connect/back-channel/portvakt
                  - id: %s
                    type: web
                    secret: boot-secret
                    redirect-uris: [http://localhost:9999/callback]
                    backchannel-logout-uri: http://localhost:9999/bcl
                    backchannel-logout-session-required: false
                """.formatted(told, bySubject))));

        var first = registered.findByClientId(told);
        var second = registered.findByClientId(bySubject);
        assertThat(Clients.backchannelLogoutUri(first)).hasValue(
                URI.create("https://app.example.com/logout/connect/back-channel/portvakt"));
        assertThat(Clients.backchannelLogoutSessionRequired(first)).isTrue();
        assertThat(Clients.backchannelLogoutSessionRequired(second)).isFalse();
        assertThat(Clients.backchannelLogoutUri(registered.findByClientId("test-web"))).isEmpty();
    }

    @Test
    void theDemosWebApplicationIsToldAtThePathSpringSecurityServes() throws IOException {
        var flexHrm = loader.read("classpath:bootstrap/demo.yaml").clients().stream()
                .filter(client -> client.id().equals("flex-hrm")).findFirst().orElseThrow();

        // oidcLogout().backChannel() of Spring Security: /logout/connect/back-channel/{registrationId}
        assertThat(flexHrm.backchannelLogoutUri()).isEqualTo("http://localhost:8081/logout/connect/back-channel/portvakt");
    }

    @Test
    void aBackChannelLogoutUriThatIsNotAnHttpUrlStopsWithAMessageNamingTheClient() throws IOException {
        for (String bad : new String[] {"ftp://app.example.com/logout", "/logout/connect/back-channel/portvakt",
                "https://app.example.com/logout#here", "not a url"}) {
            String location = file("bad-bcl", """
                    clients:
                      - id: %s
                        type: web
                        secret: boot-secret
                        redirect-uris: [http://localhost:9999/callback]
                        backchannel-logout-uri: "%s"
                    """.formatted(clientId, bad));

            assertThatThrownBy(() -> loader.apply(loader.read(location))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("client " + clientId)
                    .hasMessageContaining("backchannel-logout-uri");
        }
    }

    @Test
    void anUnknownClientTypeStopsWithAMessageNamingTheEntry() throws IOException {
        String location = file("bad", """
                clients:
                  - id: %s
                    name: Broken
                    type: spaceship
                """.formatted(clientId));

        assertThatThrownBy(() -> loader.read(location)).hasMessageContaining("clients[0].type");
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> loader.read("file:" + dir.resolve("missing.yaml"))).hasMessageContaining("missing.yaml");
    }

    private Account account() {
        return accounts.findByEmail(new EmailAddress(email)).orElseThrow();
    }

    private String account(String name, String passwordLine) {
        return """
                accounts:
                  - email: %s
                    name: %s
                    email-verified: true
                    %s
                """.formatted(email, name, passwordLine);
    }

    private String client(String name) {
        return """
                clients:
                  - id: %s
                    name: %s
                    type: web
                    secret: boot-secret
                    redirect-uris: [http://localhost:9999/callback]
                    scopes: [openid, email]
                """.formatted(clientId, name);
    }

    private String file(String name, String yaml) throws IOException {
        Path path = dir.resolve(name + ".yaml");
        Files.writeString(path, yaml);
        return "file:" + path;
    }
}
