package se.flexhrm.mobile;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An OpenID provider speaking the wire format of discovery, JWKS and the token endpoint, for what Portvakt cannot be
 * made to do wrong: ID tokens with a foreign nonce or audience, refresh tokens that do not rotate. It records the
 * token requests it gets. (The real sign-in against Portvakt is the server's FlexHrmMobileInBrowserTest.)
 */
final class StubProvider implements AutoCloseable {

    final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
    /** Changes the ID token's claims before signing (given the claims a right token has). */
    volatile UnaryOperator<JWTClaimsSet.Builder> idToken = UnaryOperator.identity();
    /** Whether a refresh hands out a new refresh token (else the same one again). */
    volatile boolean rotates = true;
    /** The nonce of the authorization request, which the test reads from the sign-in address. */
    volatile String nonce;

    private final HttpServer server;
    private final RSAKey key;

    StubProvider() throws IOException, JOSEException {
        key = new RSAKeyGenerator(2048).keyID("stub").generate();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/.well-known/openid-configuration", exchange -> json(exchange, 200, """
                {"issuer": "%1$s", "authorization_endpoint": "%1$s/oauth2/authorize", "token_endpoint": "%1$s/oauth2/token",
                 "jwks_uri": "%1$s/oauth2/jwks", "response_types_supported": ["code"], "subject_types_supported": ["public"],
                 "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["S256"]}
                """.formatted(issuer())));
        server.createContext("/oauth2/jwks", exchange -> json(exchange, 200, new JWKSet(key.toPublicJWK()).toString()));
        server.createContext("/oauth2/token", this::token);
        server.start();
    }

    String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        form.put("authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        tokenRequests.add(form);
        String refreshToken = "refresh-" + UUID.randomUUID();
        if ("refresh_token".equals(form.get("grant_type"))) {
            json(exchange, 200, """
                    {"access_token": "access-%s", "token_type": "Bearer", "expires_in": 300, "refresh_token": "%s"}
                    """.formatted(UUID.randomUUID(), rotates ? refreshToken : form.get("refresh_token")));
            return;
        }
        Date now = new Date();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer()).audience(form.get("client_id"))
                .subject("person-1").issueTime(now).expirationTime(new Date(now.getTime() + 300_000))
                .claim("nonce", nonce).claim("email", "erik.lind@company.com").claim("email_verified", true)
                .claim("name", "Erik Lind").claim("amr", List.of("pwd")).claim("acr", "urn:portvakt:acr:1fa")
                .claim("auth_time", now.getTime() / 1000);
        SignedJWT signed = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                idToken.apply(claims).build());
        try {
            signed.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IOException(e);
        }
        json(exchange, 200, """
                {"access_token": "access-1", "token_type": "Bearer", "expires_in": 300, "refresh_token": "%s", "id_token": "%s"}
                """.formatted(refreshToken, signed.serialize()));
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    private static void json(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
