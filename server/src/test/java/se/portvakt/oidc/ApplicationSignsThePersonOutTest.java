package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.util.UriComponentsBuilder;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): the application sends the browser to the end
 * session endpoint with the ID token as hint, as Spring Security's and openid-client's logout handlers do (a GET),
 * and the person is signed out of Portvakt and sent back only to an address the application registered.
 */
abstract class ApplicationSignsThePersonOutTest {

    @OnH2
    static class OnEmbeddedDatabase extends ApplicationSignsThePersonOutTest {}

    @OnPostgres
    static class OnPostgreSql extends ApplicationSignsThePersonOutTest {}

    private static final String POST_LOGOUT = "http://localhost:8081/";

    @Value("${portvakt.issuer}")
    String issuer;

    @Test
    void logoutWithIdTokenHintEndsTheSessionAndReturnsToTheRegisteredAddress() {
        HttpAgent browser = new HttpAgent(issuer);
        String idToken = signInAndGetIdToken(browser);
        // Signed in: a new authorization request is answered without the sign-in pages.
        OidcClient.authorize(browser, OidcClient.web());
        List<HttpCookie> cookiesBefore = List.copyOf(browser.cookies().getCookieStore().getCookies());

        HttpResponse<String> logout = browser.get(logoutUrl(idToken, POST_LOGOUT, "after-logout"));

        assertThat(logout.statusCode()).as(logout.body()).isEqualTo(302);
        assertThat(HttpAgent.location(logout)).isEqualTo(POST_LOGOUT + "?state=after-logout");
        assertSignedOut(browser);
        // Ended on the server, not only forgotten by the browser: the old session cookie no longer signs anyone in.
        HttpAgent replay = new HttpAgent(issuer);
        cookiesBefore.forEach(cookie -> replay.cookies().getCookieStore().add(URI.create(issuer), cookie));
        assertSignedOut(replay);
    }

    @Test
    void aCodeMadeBeforeTheLogoutIsNotExchangedAfterIt() {
        HttpAgent browser = new HttpAgent(issuer);
        String idToken = signInAndGetIdToken(browser);
        OidcClient.Request request = OidcClient.web();
        String code = OidcClient.param(OidcClient.authorize(browser, request), "code");

        HttpResponse<String> logout = browser.get(logoutUrl(idToken, POST_LOGOUT, null));
        assertThat(logout.statusCode()).as(logout.body()).isEqualTo(302);
        HttpResponse<String> token = new HttpAgent(issuer)
                .header("Authorization", OidcClient.basic("test-web", "test-web-secret"))
                .post("/oauth2/token", OidcClient.codeExchange(request, code));

        // The code was made for a session that has ended: no tokens for it, as for a code never issued.
        assertThat(token.statusCode()).as(token.body()).isEqualTo(400);
        assertThat(OidcClient.json(token).get("error").asString()).isEqualTo("invalid_grant");
    }

    @Test
    void aCodeOfAnotherBrowserIsStillExchangedAfterTheLogout() {
        HttpAgent browser = new HttpAgent(issuer);
        String idToken = signInAndGetIdToken(browser);
        HttpAgent other = new HttpAgent(issuer);
        OidcClient.Request request = OidcClient.web();
        URI callback = OidcClient.signIn(other, request, "signed.in@example.com", "test password one");

        assertThat(browser.get(logoutUrl(idToken, POST_LOGOUT, null)).statusCode()).isEqualTo(302);
        HttpResponse<String> token = new HttpAgent(issuer)
                .header("Authorization", OidcClient.basic("test-web", "test-web-secret"))
                .post("/oauth2/token", OidcClient.codeExchange(request, OidcClient.param(callback, "code")));

        // One browser's sign-out ends that browser's session only: the other one's code still gives tokens.
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
    }

    @Test
    void logoutByFormPostWorksToo() {
        HttpAgent browser = new HttpAgent(issuer);
        String idToken = signInAndGetIdToken(browser);

        HttpResponse<String> logout = browser.post("/connect/logout", OidcClient.form(
                "id_token_hint", idToken, "post_logout_redirect_uri", POST_LOGOUT));

        assertThat(logout.statusCode()).as(logout.body()).isEqualTo(302);
        assertThat(HttpAgent.location(logout)).isEqualTo(POST_LOGOUT);
        assertSignedOut(browser);
    }

    @Test
    void anUnregisteredPostLogoutRedirectUriIsNotFollowed() {
        HttpAgent browser = new HttpAgent(issuer);
        String idToken = signInAndGetIdToken(browser);

        for (String elsewhere : new String[] {"http://evil.example/", POST_LOGOUT + "other", POST_LOGOUT + "?next=x"}) {
            HttpResponse<String> logout = browser.get(logoutUrl(idToken, elsewhere, null));

            assertThat(logout.statusCode()).as(elsewhere).isEqualTo(400);
            assertThat(logout.headers().firstValue("Location")).as(elsewhere).isEmpty();
        }
    }

    @Test
    void anotherClientsPostLogoutRedirectUriIsNotFollowed() {
        HttpAgent browser = new HttpAgent(issuer);
        String idToken = signInAndGetIdToken(browser);

        HttpResponse<String> logout = browser.get(logoutUrl(idToken, "se.portvakt.test:/signed-out", null));

        assertThat(logout.statusCode()).isEqualTo(400);
        assertThat(logout.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void logoutWithoutIdTokenHintIsABadRequest() {
        HttpAgent browser = new HttpAgent(issuer);
        signInAndGetIdToken(browser);

        HttpResponse<String> logout = browser.get(logoutUrl(null, POST_LOGOUT, null));

        assertThat(logout.statusCode()).isEqualTo(400);
        assertThat(logout.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void aForgedIdTokenHintIsRefused() {
        HttpAgent browser = new HttpAgent(issuer);
        signInAndGetIdToken(browser);

        HttpResponse<String> logout = browser.get(logoutUrl("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", POST_LOGOUT, null));

        assertThat(logout.statusCode()).isEqualTo(400);
        assertThat(logout.headers().firstValue("Location")).isEmpty();
        // Still signed in: nothing was ended on a hint that the server never issued.
        OidcClient.authorize(browser, OidcClient.web());
    }

    private String signInAndGetIdToken(HttpAgent browser) {
        var request = OidcClient.web();
        URI callback = OidcClient.signIn(browser, request, "signed.in@example.com", "test password one");
        HttpResponse<String> token = new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-web", "test-web-secret"))
                .post("/oauth2/token", OidcClient.codeExchange(request, OidcClient.param(callback, "code")));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return OidcClient.json(token).get("id_token").asString();
    }

    private static String logoutUrl(String idTokenHint, String postLogoutRedirectUri, String state) {
        var url = UriComponentsBuilder.fromPath("/connect/logout");
        if (idTokenHint != null) {
            url.queryParam("id_token_hint", idTokenHint);
        }
        url.queryParam("post_logout_redirect_uri", postLogoutRedirectUri);
        if (state != null) {
            url.queryParam("state", state);
        }
        return url.encode().build().toUriString();
    }

    private static void assertSignedOut(HttpAgent browser) {
        HttpResponse<String> again = browser.get(OidcClient.web().authorizationUrl());
        assertThat(again.statusCode()).isEqualTo(302);
        assertThat(HttpAgent.location(again)).matches(".*/signin(\\?.*)?$");
    }
}
