package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;

/**
 * Interoperability with a relying party nobody here wrote: {@code interop/interop.mjs} signs in with
 * openid-client (panva's certified OpenID Connect library for Node) against the started server. The library
 * does discovery, PKCE, the code exchange with the ID token checks (signature against the JWKS, iss, aud,
 * nonce, exp, auth_time), userinfo and the refresh; the script only fills in the two sign-in pages.
 *
 * <p>Needs Node and npm. Without Node the test fails on CI ({@code CI=true}) and is skipped elsewhere.
 */
abstract class OpenIdClientInteropTest {

    @OnH2
    static class OnEmbeddedDatabase extends OpenIdClientInteropTest {}

    @OnPostgres
    static class OnPostgreSql extends OpenIdClientInteropTest {}

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Object INSTALL = new Object();
    private static final String EMAIL = "signed.in@example.com";
    private static final String PASSWORD = "test password one";

    private static final String WEB = client("test-web", "test-web-secret",
            "http://localhost:8081/login/oauth2/code/portvakt", "openid email profile offline_access", "RS256")
            + "&post_logout_redirect_uri=" + encode("http://localhost:8081/");
    private static final String NATIVE = client("test-native", null,
            "http://127.0.0.1/callback", "openid email profile offline_access", "RS256")
            + "&post_logout_redirect_uri=" + encode("se.portvakt.test:/signed-out") + "&logout_hint=first";
    private static final String ES256 = client("test-es256", "test-es256-secret",
            "http://localhost:8081/es256/callback", "openid email", "ES256");

    static Path interop;

    @Value("${portvakt.issuer}")
    String issuer;

    @BeforeAll
    static void nodeAndLibrary() throws Exception {
        interop = findInteropFolder();
        Result version = run(List.of("node", "--version"), 30);
        if (version == null || version.exit != 0) {
            String message = "Node is not installed (or `node --version` failed), so the openid-client interop test cannot run."
                    + " Install Node 20+ and npm (.ci/run does it with apt-get).";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message);
        }
        synchronized (INSTALL) {
            if (!Files.isRegularFile(interop.resolve("node_modules/openid-client/package.json"))) {
                Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"), 300);
                assertThat(install).as("npm could not be started").isNotNull();
                assertThat(install.exit).as("npm ci in interop/:\n%s", install.output()).isZero();
            }
        }
    }

    @Test
    void webAndNativeClientsSignInWithOpenIdClient() throws Exception {
        JsonNode summary = interop(PASSWORD, WEB, NATIVE);

        JsonNode web = clientResult(summary, "test-web");
        assertThat(web.get("token_endpoint_auth_method").asString()).isEqualTo("client_secret_basic");
        assertSignedIn(web, "test-web", "RS256");
        assertThat(web.at("/refresh/introspection_active").asBoolean()).isTrue();
        assertThat(web.at("/refresh/revoked_refresh_token_rejected").asString()).isEqualTo("invalid_grant");

        JsonNode mobile = clientResult(summary, "test-native");
        assertThat(mobile.get("token_endpoint_auth_method").asString()).isEqualTo("none");
        assertSignedIn(mobile, "test-native", "RS256");
        assertThat(mobile.at("/refresh/refresh_token_rotated").asBoolean()).isTrue();
        assertThat(mobile.at("/refresh/old_refresh_token_rejected").asString()).isEqualTo("invalid_grant");

        assertThat(web.at("/id_token/sub").asString()).isEqualTo(mobile.at("/id_token/sub").asString());

        assertThat(web.at("/logout/redirected_to").asString()).isEqualTo("http://localhost:8081/");
        assertThat(web.at("/logout/signs_in_again").asBoolean()).isTrue();
        // The mobile app logs out with the ID token of its sign-in, which the refresh has replaced since.
        assertThat(mobile.at("/logout/id_token_hint").asString()).isEqualTo("first");
        assertThat(mobile.at("/logout/redirected_to").asString()).isEqualTo("se.portvakt.test:/signed-out");
        assertThat(mobile.at("/logout/signs_in_again").asBoolean()).isTrue();
    }

    @Test
    void es256IdTokensVerifyWithTheLibrary() throws Exception {
        JsonNode es256 = clientResult(interop(PASSWORD, ES256), "test-es256");
        assertThat(es256.at("/id_token/alg").asString()).isEqualTo("ES256");
        assertThat(es256.at("/id_token/email").asString()).isEqualTo(EMAIL);
        assertThat(es256.at("/userinfo/sub").asString()).isEqualTo(es256.at("/id_token/sub").asString());
    }

    @Test
    void theScriptFailsWhenTheSignInFails() throws Exception {
        Result result = runInterop("not the password", NATIVE);
        assertThat(result.exit).as(result.output()).isNotZero();
        JsonNode summary = JSON.readTree(result.stdout);
        assertThat(summary.get("ok").asBoolean()).isFalse();
        assertThat(clientResult(summary, "test-native").get("error").asString()).contains("password page came back");
    }

    private void assertSignedIn(JsonNode result, String clientId, String alg) {
        assertThat(result.get("issuer").asString()).isEqualTo(issuer);
        JsonNode idToken = result.get("id_token");
        assertThat(idToken.get("alg").asString()).isEqualTo(alg);
        assertThat(idToken.get("iss").asString()).isEqualTo(issuer);
        assertThat(audience(idToken.get("aud"))).containsExactly(clientId);
        assertThat(idToken.get("email").asString()).isEqualTo(EMAIL);
        assertThat(idToken.get("email_verified").asBoolean()).isTrue();
        assertThat(idToken.get("name").asString()).isEqualTo("Signed In");
        assertThat(idToken.get("amr").get(0).asString()).isEqualTo("pwd");
        assertThat(idToken.get("auth_time").asLong()).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(120L));
        assertThat(result.at("/userinfo/sub").asString()).isEqualTo(idToken.get("sub").asString());
        assertThat(result.at("/userinfo/email").asString()).isEqualTo(EMAIL);
        assertThat(result.at("/refresh/new_access_token").asBoolean()).isTrue();
        assertThat(result.at("/refresh/userinfo_sub").asString()).isEqualTo(idToken.get("sub").asString());
        assertThat(result.get("library_requests").toString()).contains("GET /oauth2/jwks -> 200");
    }

    private static List<String> audience(JsonNode aud) {
        List<String> values = new ArrayList<>();
        if (aud.isArray()) {
            aud.forEach(value -> values.add(value.asString()));
        } else {
            values.add(aud.asString());
        }
        return values;
    }

    private static JsonNode clientResult(JsonNode summary, String clientId) {
        for (JsonNode result : summary.get("clients")) {
            if (result.get("client_id").asString().equals(clientId)) {
                return result;
            }
        }
        throw new AssertionError("no result for " + clientId + " in " + summary);
    }

    /** Runs the script, expects it to succeed, and returns its JSON summary. */
    private JsonNode interop(String password, String... clients) throws Exception {
        Result result = runInterop(password, clients);
        assertThat(result.exit).as("the interop script failed:\n%s", result.output()).isZero();
        JsonNode summary = JSON.readTree(result.stdout);
        assertThat(summary.get("ok").asBoolean()).as(result.stdout).isTrue();
        return summary;
    }

    private Result runInterop(String password, String... clients) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "interop.mjs", issuer, EMAIL, password));
        for (String client : clients) {
            command.add("--client");
            command.add(client);
        }
        Result result = run(command, 90);
        assertThat(result).as("node could not be started").isNotNull();
        return result;
    }

    private static String client(String id, String secret, String redirectUri, String scope, String alg) {
        StringBuilder spec = new StringBuilder("client_id=").append(encode(id))
                .append("&redirect_uri=").append(encode(redirectUri))
                .append("&scope=").append(encode(scope))
                .append("&alg=").append(encode(alg));
        if (secret != null) {
            spec.append("&client_secret=").append(encode(secret));
        }
        return spec.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The repository's interop/ folder, found from the working directory (the module folder under Maven). */
    private static Path findInteropFolder() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("interop/package.json"))) {
                return dir.resolve("interop");
            }
        }
        throw new AssertionError("no interop/package.json above " + Path.of("").toAbsolutePath());
    }

    record Result(int exit, String stdout, String stderr) {
        String output() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    /** Runs a command in interop/ with a timeout; null when the program cannot be started at all. */
    private static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("interop", ".out");
        Path err = Files.createTempFile("interop", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(interop.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            Process process;
            try {
                process = builder.start();
            } catch (IOException notInstalled) {
                return null;
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s\n"
                        + Files.readString(out) + "\n" + Files.readString(err));
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
