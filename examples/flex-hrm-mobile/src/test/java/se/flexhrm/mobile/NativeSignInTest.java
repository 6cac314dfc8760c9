package se.flexhrm.mobile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the command sends and what it refuses, against a provider that can be made to answer wrongly: the code goes
 * with the PKCE verifier and no secret, an ID token for another sign-in or another client signs nobody in, each
 * refresh sends the newest refresh token, and a refresh token that does not rotate is called out.
 */
class NativeSignInTest {

    private static final Pattern ADDRESS = Pattern.compile("^ {2}(http\\S+/oauth2/authorize\\?\\S+)$", Pattern.MULTILINE);

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private StubProvider provider;

    @BeforeEach
    void start() throws Exception {
        provider = new StubProvider();
    }

    @AfterEach
    void stop() {
        provider.close();
    }

    @Test
    void exchangesTheCodeWithTheVerifierOfItsChallengeAndRefreshesWithTheNewestToken() throws Exception {
        assertThat(signIn()).as(output()).isEqualTo(Main.SIGNED_IN);

        Map<String, String> exchange = provider.tokenRequests.get(0);
        assertThat(exchange).containsEntry("grant_type", "authorization_code").containsEntry("code", "the-code")
                .containsEntry("client_id", "flex-hrm-mobile").containsEntry("authorization", "null")
                .doesNotContainKey("client_secret");
        assertThat(s256(exchange.get("code_verifier"))).isEqualTo(param(signInAddress(), "code_challenge"));
        assertThat(exchange.get("redirect_uri")).isEqualTo(param(signInAddress(), "redirect_uri"));

        assertThat(provider.tokenRequests).hasSize(3);
        String first = provider.tokenRequests.get(1).get("refresh_token");
        String second = provider.tokenRequests.get(2).get("refresh_token");
        assertThat(first).startsWith("refresh-");
        assertThat(second).startsWith("refresh-").isNotEqualTo(first);
        assertThat(out()).contains("  email:      erik.lind@company.com (verified)", "  amr:        pwd",
                "  acr:        urn:portvakt:acr:1fa", "refresh token rotated: ");
    }

    @Test
    void anIdTokenForAnotherSignInSignsNobodyIn() throws Exception {
        provider.idToken = claims -> claims.claim("nonce", "another sign-in's");
        assertThat(signIn()).isEqualTo(Main.FAILED);
        assertThat(err()).startsWith("flex-hrm-mobile: the ID token did not pass its checks, so nobody is signed in:")
                .containsIgnoringCase("nonce");
        assertThat(out()).doesNotContain("Signed in");
    }

    @Test
    void anIdTokenForAnotherApplicationSignsNobodyIn() throws Exception {
        provider.idToken = claims -> claims.audience("payroll-web");
        assertThat(signIn()).isEqualTo(Main.FAILED);
        assertThat(err()).startsWith("flex-hrm-mobile: the ID token did not pass its checks").containsIgnoringCase("audience");
    }

    @Test
    void anExpiredIdTokenSignsNobodyIn() throws Exception {
        provider.idToken = claims -> claims.expirationTime(new java.util.Date(System.currentTimeMillis() - 600_000));
        assertThat(signIn()).isEqualTo(Main.FAILED);
        assertThat(err()).startsWith("flex-hrm-mobile: the ID token did not pass its checks").containsIgnoringCase("expired");
    }

    @Test
    void aRefreshTokenThatDoesNotRotateIsCalledOut() throws Exception {
        provider.rotates = false;
        assertThat(signIn()).isEqualTo(Main.FAILED);
        assertThat(err()).isEqualTo("flex-hrm-mobile: the refresh gave back the same refresh token: a native app's must rotate.\n");
        assertThat(provider.tokenRequests).hasSize(2);
    }

    /** Runs the command, plays the browser coming back with a code and this sign-in's state, and returns the exit code. */
    private int signIn() throws Exception {
        CompletableFuture<Integer> command = CompletableFuture.supplyAsync(() -> Main.run(
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                "--issuer", provider.issuer(), "--no-browser", "--timeout", "20"));
        URI address = null;
        for (int i = 0; i < 200 && address == null && !command.isDone(); i++) {
            Matcher matcher = ADDRESS.matcher(out());
            if (matcher.find()) {
                address = URI.create(matcher.group(1));
            } else {
                Thread.sleep(50);
            }
        }
        assertThat(address).as(output()).isNotNull();
        provider.nonce = param(address, "nonce");
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(param(address, "redirect_uri") + "?code=the-code&state="
                + param(address, "state"))).GET().build(), HttpResponse.BodyHandlers.discarding());
        return command.get(30, TimeUnit.SECONDS);
    }

    private URI signInAddress() {
        Matcher matcher = ADDRESS.matcher(out());
        assertThat(matcher.find()).isTrue();
        return URI.create(matcher.group(1));
    }

    private static String param(URI uri, String name) {
        for (String pair : uri.getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no " + name + " in " + uri);
    }

    private static String s256(String verifier) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private String output() {
        return "--- out\n" + out() + "\n--- err\n" + err();
    }
}
