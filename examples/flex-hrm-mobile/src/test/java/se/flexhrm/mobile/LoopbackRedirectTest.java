package se.flexhrm.mobile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;

/** The loopback redirect of RFC 8252 7.3: what the browser brings back, and what the browser is shown. */
class LoopbackRedirectTest {

    private static final HttpClient BROWSER = HttpClient.newHttpClient();
    private final State state = new State();

    @Test
    void listensOnTheLoopbackAddressOnAPortOfItsOwn() throws Exception {
        try (LoopbackRedirect one = LoopbackRedirect.listen(state, "Flex HRM Mobile");
                LoopbackRedirect other = LoopbackRedirect.listen(state, "Flex HRM Mobile")) {
            assertThat(one.redirectUri().toString()).matches("http://127\\.0\\.0\\.1:[0-9]+/callback");
            assertThat(one.redirectUri().getPort()).isNotEqualTo(other.redirectUri().getPort());
        }
    }

    @Test
    void theCodeWithThisSignInsStateIsTheAnswerAndTheBrowserIsSentBackToTheApp() throws Exception {
        try (LoopbackRedirect loopback = LoopbackRedirect.listen(state, "Flex HRM Mobile")) {
            HttpResponse<String> page = get(loopback.redirectUri() + "?code=the-code&state=" + state.getValue());

            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<h1>You can return to the app</h1>", "You're signed in to Flex HRM Mobile.");
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> csp.startsWith("default-src 'none'"));
            assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
            AuthenticationSuccessResponse answer = loopback.await(Duration.ofSeconds(1));
            assertThat(answer.getAuthorizationCode().getValue()).isEqualTo("the-code");

            // A reload changes nothing.
            assertThat(get(loopback.redirectUri() + "?code=another&state=" + state.getValue()).body()).contains("You can return to the app");
            assertThat(loopback.await(Duration.ofSeconds(1)).getAuthorizationCode().getValue()).isEqualTo("the-code");
        }
    }

    @Test
    void anAnswerWithAnotherStateIsNotUsed() throws Exception {
        try (LoopbackRedirect loopback = LoopbackRedirect.listen(state, "Flex HRM Mobile")) {
            HttpResponse<String> page = get(loopback.redirectUri() + "?code=the-code&state=someone-elses");

            assertThat(page.body()).contains("This sign-in was not expected").doesNotContain("the-code");
            assertThatThrownBy(() -> loopback.await(Duration.ofSeconds(1))).isInstanceOf(SignInFailed.class)
                    .hasMessageContaining("its state did not match this one's");
        }
    }

    @Test
    void anAnswerWithoutAStateIsNotUsed() throws Exception {
        try (LoopbackRedirect loopback = LoopbackRedirect.listen(state, "Flex HRM Mobile")) {
            get(loopback.redirectUri() + "?code=the-code");
            assertThatThrownBy(() -> loopback.await(Duration.ofSeconds(1))).isInstanceOf(SignInFailed.class)
                    .hasMessageContaining("its state did not match");
        }
    }

    @Test
    void anErrorFromTheProviderIsSaidInWordsWithoutTerminalEscapes() throws Exception {
        try (LoopbackRedirect loopback = LoopbackRedirect.listen(state, "Flex HRM Mobile")) {
            HttpResponse<String> page = get(loopback.redirectUri() + "?error=access_denied&error_description=No%1B%5B2J"
                    + "&state=" + state.getValue());

            assertThat(page.body()).contains("Sign-in not completed").doesNotContain("2J");
            assertThatThrownBy(() -> loopback.await(Duration.ofSeconds(1))).isInstanceOf(SignInFailed.class)
                    .hasMessageStartingWith("the sign-in was cancelled or refused in the browser (access_denied")
                    .hasMessageNotContaining("\u001b");
        }
    }

    @Test
    void anAnswerWithNeitherCodeNorErrorEndsTheSignIn() throws Exception {
        try (LoopbackRedirect loopback = LoopbackRedirect.listen(state, "Flex HRM Mobile")) {
            get(loopback.redirectUri() + "?state=" + state.getValue());
            assertThatThrownBy(() -> loopback.await(Duration.ofSeconds(1))).isInstanceOf(SignInFailed.class)
                    .hasMessageContaining("without a code or an error");
        }
    }

    @Test
    void otherAddressesAreNotTheAnswer() throws Exception {
        try (LoopbackRedirect loopback = LoopbackRedirect.listen(state, "Flex HRM Mobile")) {
            URI favicon = loopback.redirectUri().resolve("/favicon.ico?code=x&state=" + state.getValue());
            assertThat(get(favicon.toString()).statusCode()).isEqualTo(404);
            HttpResponse<String> posted = BROWSER.send(HttpRequest.newBuilder(loopback.redirectUri())
                    .POST(HttpRequest.BodyPublishers.ofString("code=x&state=" + state.getValue())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).isEqualTo(405);
            assertThatThrownBy(() -> loopback.await(Duration.ofSeconds(1))).isInstanceOf(SignInFailed.class)
                    .hasMessage("the browser did not come back in time (1 s). Run the command again (--timeout SECONDS"
                            + " waits longer).");
        }
    }

    private static HttpResponse<String> get(String uri) throws Exception {
        return BROWSER.send(HttpRequest.newBuilder(URI.create(uri)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
