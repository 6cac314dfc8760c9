package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import tools.jackson.databind.JsonNode;

import se.portvakt.client.ClientDefinition;
import se.portvakt.client.ClientType;
import se.portvakt.client.Clients;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.JdbcWork;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;

/**
 * A client-credentials access token is issued without a database write (decision 0054), and introspection still
 * answers for it exactly: active while it is ours, unexpired, unrevoked and its client still allowed client
 * credentials; inactive (never an error) when it is expired, tampered with, signed by someone else, revoked, or its
 * client is gone or no longer a machine client. Revocation keeps the token's id until it expires, then housekeeping
 * deletes it.
 */
abstract class ClientCredentialsWithoutRowsTest {

    @OnH2
    @Import(JdbcWork.Config.class)
    static class OnEmbeddedDatabase extends ClientCredentialsWithoutRowsTest {}

    @OnPostgres
    @Import(JdbcWork.Config.class)
    static class OnPostgreSql extends ClientCredentialsWithoutRowsTest {}

    private static final int TOKENS = 20;

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JwtEncoder encoder;

    @Autowired
    Clients clients;

    @Autowired
    SelfContainedAccessTokens selfContained;

    @Test
    void tokensAreIssuedWithoutAnyAuthorizationRow() {
        token("hr.read"); // first use: keys and the client read once, not per token
        int rowsBefore = authorizationRows();
        JdbcWork.Snapshot before = JdbcWork.now();
        for (int i = 0; i < TOKENS; i++) {
            HttpResponse<String> response = token("hr.read");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
        JdbcWork.Snapshot work = JdbcWork.now().since(before);

        assertThat(authorizationRows()).isEqualTo(rowsBefore);
        assertThat(work.statements().keySet()).as(work.toString())
                .noneMatch(sql -> sql.contains("oauth2_authorization") || sql.contains("revoked_access_token"));
        String accessToken = OidcClient.json(token("hr.read")).get("access_token").asString();
        JsonNode claims = OidcClient.claims(accessToken);
        assertThat(claims.get("client_id").asString()).isEqualTo("test-machine");
        assertThat(claims.get("jti").asString()).isNotBlank();
        JdbcWork.Snapshot beforeIntrospection = JdbcWork.now();
        assertThat(introspect(accessToken).get("active").asBoolean()).isTrue();
        assertThat(JdbcWork.now().since(beforeIntrospection).statements().keySet())
                .as("introspection asks the deny-list, not the rows (and the counter counts)")
                .anyMatch(sql -> sql.contains("revoked_access_token"))
                .noneMatch(sql -> sql.contains("oauth2_authorization"));
    }

    @Test
    void anEs256TokenIsIntrospectedToo() {
        HttpResponse<String> response = new HttpAgent(issuer)
                .header("Authorization", OidcClient.basic("test-machine-es256", "test-machine-es256-secret"))
                .post("/oauth2/token", OidcClient.form("grant_type", "client_credentials", "scope", "hr.read"));
        String accessToken = OidcClient.json(response).get("access_token").asString();
        assertThat(OidcClient.claims(accessToken).has("client_id")).isTrue();

        JsonNode active = introspect(accessToken);
        assertThat(active.get("active").asBoolean()).as(active.toString()).isTrue();
        assertThat(active.get("client_id").asString()).isEqualTo("test-machine-es256");
        assertThat(active.get("sub").asString()).isEqualTo("test-machine-es256");
        assertThat(active.get("iss").asString()).isEqualTo(issuer);
    }

    @Test
    void aRevokedTokenIsInactiveAndItsIdIsKeptUntilItExpires() {
        String accessToken = OidcClient.json(token("hr.read hr.write")).get("access_token").asString();
        String jti = OidcClient.claims(accessToken).get("jti").asString();
        long exp = OidcClient.claims(accessToken).get("exp").asLong();

        HttpResponse<String> byAnother = new HttpAgent(issuer)
                .header("Authorization", OidcClient.basic("test-machine-es256", "test-machine-es256-secret"))
                .post("/oauth2/revoke", OidcClient.form("token", accessToken));
        assertThat(byAnother.statusCode()).as("only the client it was issued to revokes it").isBetween(400, 401);
        assertThat(introspect(accessToken).get("active").asBoolean()).isTrue();

        for (int i = 0; i < 2; i++) {
            assertThat(machine().post("/oauth2/revoke", OidcClient.form("token", accessToken)).statusCode())
                    .as("revoking twice is not an error").isEqualTo(200);
        }
        assertThat(introspect(accessToken).get("active").asBoolean()).isFalse();
        assertThat(jdbc.sql("SELECT expires_at FROM revoked_access_token WHERE jti = :jti").param("jti", jti)
                .query(OffsetDateTime.class).single().toEpochSecond()).isEqualTo(exp);

        // Housekeeping's purge (HousekeepingTest runs it with the others): kept while the token could be used.
        selfContained.purgeBatch(Instant.ofEpochSecond(exp).minusSeconds(1), 100);
        assertThat(revokedIds(jti)).as("still needed: the token has not expired").isEqualTo(1);
        selfContained.purgeBatch(Instant.ofEpochSecond(exp).plusSeconds(1), 100);
        assertThat(revokedIds(jti)).as("expired: inactive by exp alone").isZero();
    }

    @Test
    void anExpiredTokenIsInactiveAndAFreshOneSignedTheSameWayIsActive() {
        Instant now = Instant.now();
        assertThat(introspect(signed("test-machine", now.minusSeconds(60), now.plusSeconds(240))).get("active").asBoolean())
                .as("the way the server signs its own").isTrue();

        String expired = signed("test-machine", now.minusSeconds(400), now.minusSeconds(100));
        assertThat(introspect(expired).get("active").asBoolean()).isFalse();
        assertThat(machine().post("/oauth2/revoke", OidcClient.form("token", expired)).statusCode()).isEqualTo(200);
    }

    @Test
    void tamperedForeignAndMalformedTokensAreInactiveNeverAnError() throws Exception {
        String real = OidcClient.json(token("hr.read")).get("access_token").asString();
        String[] parts = real.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"hr.read\"", "\"hr.admin\"");
        String tampered = parts[0] + "." + base64(payload) + "." + parts[2];

        SignedJWT realJwt = SignedJWT.parse(real);
        RSAKey foreignKey = new RSAKeyGenerator(2048).keyID(realJwt.getHeader().getKeyID()).generate();
        SignedJWT foreign = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(realJwt.getHeader().getKeyID()).build(), realJwt.getJWTClaimsSet());
        foreign.sign(new RSASSASigner(foreignKey));
        String unsigned = new PlainJWT(realJwt.getJWTClaimsSet()).serialize();
        String withoutSignature = parts[0] + "." + parts[1] + ".";

        for (String token : List.of(tampered, foreign.serialize(), unsigned, withoutSignature, "a.b.c",
                parts[0] + "." + base64("{\"client_id\":42}") + "." + parts[2], "x".repeat(5000))) {
            HttpResponse<String> response = machine().post("/oauth2/introspect", OidcClient.form("token", token));
            assertThat(response.statusCode()).as(token).isEqualTo(200);
            assertThat(OidcClient.json(response).get("active").asBoolean()).as(token).isFalse();
            assertThat(machine().post("/oauth2/revoke", OidcClient.form("token", token)).statusCode()).as(token)
                    .isEqualTo(200);
        }
        assertThat(introspect(real).get("active").asBoolean()).as("the real one is untouched").isTrue();
    }

    @Test
    void aTokenOfAClientThatIsGoneOrNoLongerAMachineIsInactive() {
        Instant now = Instant.now();
        assertThat(introspect(signed("no-such-machine", now, now.plusSeconds(300))).get("active").asBoolean()).isFalse();

        String changed = "machine-" + UUID.randomUUID().toString().substring(0, 8);
        clients.apply(machine(changed));
        String changedToken = OidcClient.json(token(changed, "hr.read")).get("access_token").asString();
        assertThat(introspect(changedToken).get("active").asBoolean()).isTrue();
        clients.apply(new ClientDefinition(changed, null, ClientType.WEB, "a long secret", List.of("https://app.example/cb"),
                List.of(), List.of("openid"), null, null, false));
        assertThat(introspect(changedToken).get("active").asBoolean()).as("no longer allowed client credentials")
                .isFalse();

        String deleted = "machine-" + UUID.randomUUID().toString().substring(0, 8);
        clients.apply(machine(deleted));
        String deletedToken = OidcClient.json(token(deleted, "hr.read")).get("access_token").asString();
        assertThat(introspect(deletedToken).get("active").asBoolean()).isTrue();
        jdbc.sql("DELETE FROM oauth2_registered_client WHERE client_id = :id").param("id", deleted).update();
        clients.apply(machine("machine-" + UUID.randomUUID().toString().substring(0, 8))); // forgets remembered clients
        assertThat(introspect(deletedToken).get("active").asBoolean()).as("its client was deleted").isFalse();
    }

    private static ClientDefinition machine(String id) {
        return new ClientDefinition(id, null, ClientType.MACHINE, id + "-secret", List.of(), List.of(),
                List.of("hr.read"), null, null, false);
    }

    /** A token as the server signs a client-credentials one, with these times. */
    private String signed(String clientId, Instant issuedAt, Instant expiresAt) {
        JwtClaimsSet claims = JwtClaimsSet.builder().issuer(issuer).subject(clientId).audience(List.of(clientId))
                .issuedAt(issuedAt).notBefore(issuedAt).expiresAt(expiresAt).id(UUID.randomUUID().toString())
                .claim("scope", List.of("hr.read")).claim("client_id", clientId).build();
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims))
                .getTokenValue();
    }

    private int revokedIds(String jti) {
        return jdbc.sql("SELECT COUNT(*) FROM revoked_access_token WHERE jti = :jti").param("jti", jti)
                .query(Integer.class).single();
    }

    private int authorizationRows() {
        return jdbc.sql("SELECT COUNT(*) FROM oauth2_authorization").query(Integer.class).single();
    }

    private JsonNode introspect(String token) {
        HttpResponse<String> response = machine().post("/oauth2/introspect", OidcClient.form("token", token));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return OidcClient.json(response);
    }

    private HttpResponse<String> token(String scope) {
        return token("test-machine", scope);
    }

    private HttpResponse<String> token(String clientId, String scope) {
        String secret = clientId.equals("test-machine") ? "test-machine-secret" : clientId + "-secret";
        return new HttpAgent(issuer).header("Authorization", OidcClient.basic(clientId, secret))
                .post("/oauth2/token", OidcClient.form("grant_type", "client_credentials", "scope", scope));
    }

    private HttpAgent machine() {
        return new HttpAgent(issuer).header("Authorization", OidcClient.basic("test-machine", "test-machine-secret"));
    }

    private static String base64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
