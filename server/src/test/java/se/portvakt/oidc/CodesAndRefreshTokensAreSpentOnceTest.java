package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import se.portvakt.factor.Sha256;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.Race;

/**
 * A mobile app's authorization code and each of its refresh tokens give tokens once, even to requests sent at the
 * same moment; a code or a rotated refresh token that comes back is taken as stolen, and every token of that
 * sign-in stops working (RFC 6749 4.1.2, RFC 9700 4.14.2).
 */
abstract class CodesAndRefreshTokensAreSpentOnceTest {

    @OnH2
    static class OnEmbeddedDatabase extends CodesAndRefreshTokensAreSpentOnceTest {}

    @OnPostgres
    static class OnPostgreSql extends CodesAndRefreshTokensAreSpentOnceTest {}

    private static final int AT_ONCE = 20;

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    SpentRefreshTokens spentRefreshTokens;

    @Test
    void twentyExchangesOfOneCodeAtOnceGiveTokensOnce() throws Exception {
        var request = OidcClient.nativeApp();
        Map<String, String> exchange = exchangeForm(request, code(request));

        List<HttpResponse<String>> answers = Race.send(AT_ONCE, () -> new HttpAgent(issuer).post("/oauth2/token", exchange));

        assertThat(answers).filteredOn(answer -> answer.statusCode() == 200).hasSize(1);
        assertInvalidGrant(answers.stream().filter(answer -> answer.statusCode() != 200).toList(), AT_ONCE - 1);
        // The code came back while (or after) it was spent, so what it gave is revoked too.
        JsonNode tokens = OidcClient.json(answers.stream().filter(answer -> answer.statusCode() == 200).findFirst().orElseThrow());
        assertThat(active(tokens.get("access_token").asString())).isFalse();
        assertThat(refresh(tokens.get("refresh_token").asString()).statusCode()).isEqualTo(400);
    }

    @Test
    void twentyRefreshesWithOneRefreshTokenAtOnceGiveTokensOnce() throws Exception {
        String refreshToken = signIn().get("refresh_token").asString();

        List<HttpResponse<String>> answers = Race.send(AT_ONCE, () -> refresh(refreshToken));

        assertThat(answers).filteredOn(answer -> answer.statusCode() == 200).hasSize(1);
        assertInvalidGrant(answers.stream().filter(answer -> answer.statusCode() != 200).toList(), AT_ONCE - 1);
        JsonNode tokens = OidcClient.json(answers.stream().filter(answer -> answer.statusCode() == 200).findFirst().orElseThrow());
        assertThat(active(tokens.get("access_token").asString())).isFalse();
        assertInvalidGrant(List.of(refresh(tokens.get("refresh_token").asString())), 1);
    }

    @Test
    void aRotatedRefreshTokenThatComesBackEndsItsWholeFamily() {
        String first = signIn().get("refresh_token").asString();
        HttpResponse<String> rotated = refresh(first);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        String newest = OidcClient.json(rotated).get("refresh_token").asString();
        String accessToken = OidcClient.json(rotated).get("access_token").asString();
        assertThat(active(accessToken)).isTrue();
        int revokedBefore = revocationsInTheAuditLog();

        HttpResponse<String> replayed = refresh(first);

        assertInvalidGrant(List.of(replayed), 1);
        assertInvalidGrant(List.of(refresh(newest)), 1);
        assertThat(active(accessToken)).isFalse();
        assertThat(userinfo(accessToken).statusCode()).isEqualTo(401);
        assertThat(revocationsInTheAuditLog()).isEqualTo(revokedBefore + 1);
        assertThat(jdbc.sql("SELECT count(*) FROM spent_refresh_token WHERE token_hash = :hash")
                .param("hash", Sha256.hex(first)).query(Integer.class).single())
                .as("kept as a hash, not as the token").isEqualTo(1);
    }

    @Test
    void aSpentRefreshTokenIsRememberedUntilItsFamilyExpires() {
        String first = signIn().get("refresh_token").asString();
        assertThat(refresh(first).statusCode()).isEqualTo(200);
        String authorization = spentRefreshTokens.authorizationOf(first).orElseThrow();
        Instant familyExpires = jdbc.sql("SELECT refresh_token_expires_at FROM oauth2_authorization WHERE id = :id")
                .param("id", authorization).query(OffsetDateTime.class).single().toInstant();

        spentRefreshTokens.purgeBatch(familyExpires.minusSeconds(1), 1_000);
        assertThat(spentRefreshTokens.authorizationOf(first)).contains(authorization);

        spentRefreshTokens.purgeBatch(familyExpires.plusSeconds(1), 1_000);
        assertThat(spentRefreshTokens.authorizationOf(first)).isEmpty();
    }

    @Test
    void aCodeThatComesBackEndsTheTokensItGave() {
        var request = OidcClient.nativeApp();
        Map<String, String> exchange = exchangeForm(request, code(request));
        HttpResponse<String> first = new HttpAgent(issuer).post("/oauth2/token", exchange);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode tokens = OidcClient.json(first);
        assertThat(active(tokens.get("access_token").asString())).isTrue();

        HttpResponse<String> replayed = new HttpAgent(issuer).post("/oauth2/token", exchange);

        assertInvalidGrant(List.of(replayed), 1);
        assertThat(active(tokens.get("access_token").asString())).isFalse();
        assertInvalidGrant(List.of(refresh(tokens.get("refresh_token").asString())), 1);
    }

    /**
     * A code exchange's transaction begins at the client's PKCE check's read of the code (decision 0062), and the
     * request ends it however it is refused: at the PKCE check itself (a wrong verifier), or in the exchange (a wrong
     * redirect URI, which does not spend the code). Many more refusals than the pool has connections (10), then the code
     * itself: a transaction left open would keep its connection, and its thread would carry it into a later request,
     * which would then wait for a connection and fail.
     */
    @Test
    void exchangesRefusedAfterTheCodesReadLeaveNoTransactionOpen() {
        var request = OidcClient.nativeApp();
        String code = code(request);
        Map<String, String> wrongVerifier = exchangeForm(request, code);
        wrongVerifier.put("code_verifier", "not-the-verifier-of-this-code-but-long-enough-for-pkce");
        Map<String, String> wrongRedirect = exchangeForm(request, code);
        wrongRedirect.put("redirect_uri", request.redirectUri + "/elsewhere");

        for (int i = 0; i < 40; i++) {
            assertInvalidGrant(List.of(new HttpAgent(issuer).post("/oauth2/token", wrongVerifier)), 1);
            assertInvalidGrant(List.of(new HttpAgent(issuer).post("/oauth2/token", wrongRedirect)), 1);
        }

        HttpResponse<String> exchanged = new HttpAgent(issuer).post("/oauth2/token", exchangeForm(request, code));
        assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
        assertThat(active(OidcClient.json(exchanged).get("access_token").asString())).isTrue();
        assertInvalidGrant(List.of(new HttpAgent(issuer).post("/oauth2/token", exchangeForm(request, code))), 1);
    }

    private int revocationsInTheAuditLog() {
        return jdbc.sql("""
                SELECT count(*) FROM audit_event WHERE event_type = 'token.reused' AND outcome = 'revoked' AND client_id = 'test-native'
                """).query(Integer.class).single();
    }

    private static void assertInvalidGrant(List<HttpResponse<String>> answers, int count) {
        assertThat(answers).hasSize(count).allSatisfy(answer -> {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
            assertThat(OidcClient.json(answer).get("error").asString()).isEqualTo("invalid_grant");
        });
    }

    private String code(OidcClient.Request request) {
        URI callback = OidcClient.signIn(new HttpAgent(issuer), request, "signed.in@example.com", "test password one");
        return OidcClient.param(callback, "code");
    }

    private static Map<String, String> exchangeForm(OidcClient.Request request, String code) {
        Map<String, String> exchange = OidcClient.codeExchange(request, code);
        exchange.put("client_id", request.clientId);
        return exchange;
    }

    private JsonNode signIn() {
        var request = OidcClient.nativeApp();
        HttpResponse<String> token = new HttpAgent(issuer).post("/oauth2/token", exchangeForm(request, code(request)));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return OidcClient.json(token);
    }

    private HttpResponse<String> refresh(String refreshToken) {
        return new HttpAgent(issuer).post("/oauth2/token", OidcClient.form(
                "grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", "test-native"));
    }

    /** Asks the introspection endpoint, as a resource server (here the test web app) does. */
    private boolean active(String accessToken) {
        HttpResponse<String> answer = new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-web", "test-web-secret"))
                .post("/oauth2/introspect", OidcClient.form("token", accessToken));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return OidcClient.json(answer).get("active").asBoolean();
    }

    private HttpResponse<String> userinfo(String accessToken) {
        return new HttpAgent(issuer).header("Authorization", "Bearer " + accessToken).get("/userinfo");
    }
}
