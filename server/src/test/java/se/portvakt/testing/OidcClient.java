package se.portvakt.testing;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The application's side of an authorization code flow, for tests: builds the authorization request with
 * PKCE, walks the sign-in pages with an {@link HttpAgent}, and returns the code the server redirects with.
 */
public final class OidcClient {

    /** The parameters of one authorization request. */
    public static final class Request {
        public final String clientId;
        public final String redirectUri;
        public final String scope;
        public final String state = random(16);
        public final String nonce = random(16);
        public final String verifier = random(48);

        public Request(String clientId, String redirectUri, String scope) {
            this.clientId = clientId;
            this.redirectUri = redirectUri;
            this.scope = scope;
        }

        public String challenge() {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
                return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        public String authorizationUrl() {
            return UriComponentsBuilder.fromPath("/oauth2/authorize")
                    .queryParam("response_type", "code")
                    .queryParam("client_id", clientId)
                    .queryParam("redirect_uri", redirectUri)
                    .queryParam("scope", scope)
                    .queryParam("state", state)
                    .queryParam("nonce", nonce)
                    .queryParam("code_challenge", challenge())
                    .queryParam("code_challenge_method", "S256")
                    .encode()
                    .build()
                    .toUriString();
        }
    }

    public static final Request WEB = new Request("test-web", "http://localhost:8081/login/oauth2/code/portvakt",
            "openid email profile offline_access");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private OidcClient() {}

    /** A fresh request for the test web client. */
    public static Request web() {
        return new Request(WEB.clientId, WEB.redirectUri, WEB.scope);
    }

    /** A fresh request for the test native (public) client. */
    public static Request nativeApp() {
        return new Request("test-native", "http://127.0.0.1/callback", "openid email profile offline_access");
    }

    /**
     * Starts the request, signs in with email and password, and returns the redirect to the client
     * (the {@code Location} carrying code and state). Fails the test if any step does not go as the journey says.
     */
    public static URI signIn(HttpAgent agent, Request request, String email, String password) {
        HttpResponse<String> done = remindLaterIfAsked(agent, throughPassword(agent, request, email, password));
        expectRedirect(done, "/oauth2/authorize");
        HttpResponse<String> toClient = agent.get(HttpAgent.location(done));
        expectRedirect(toClient, request.redirectUri);
        return URI.create(HttpAgent.location(toClient));
    }

    /**
     * Starts the request and sends the email and the password forms; returns the password form's answer, whatever it
     * is (the 2FA prompt, a second factor's page, the application's request). Fails the test if a step before it does
     * not go as the journey says.
     */
    public static HttpResponse<String> throughPassword(HttpAgent agent, Request request, String email, String password) {
        HttpResponse<String> toSignIn = agent.get(request.authorizationUrl());
        expectRedirect(toSignIn, "/signin");
        HttpResponse<String> identify = agent.get(HttpAgent.location(toSignIn));
        expectStatus(identify, 200);
        HttpResponse<String> toPassword = agent.post("/signin", Map.of("email", email));
        expectRedirect(toPassword, "/signin/password");
        expectStatus(agent.get("/signin/password"), 200);
        return agent.post("/signin/password", Map.of("password", password));
    }

    /**
     * A person without 2FA is asked to enable it after the first factor (journey step 4): this answers
     * "Remind me later", as a person who came for something else does, and returns where that leads.
     * Any other answer is returned as it is.
     */
    public static HttpResponse<String> remindLaterIfAsked(HttpAgent agent, HttpResponse<String> afterFirstFactor) {
        if (!HttpAgent.isRedirect(afterFirstFactor)
                || !stripHost(HttpAgent.location(afterFirstFactor)).equals("/signin/two-factor")) {
            return afterFirstFactor;
        }
        expectStatus(agent.get("/signin/two-factor"), 200);
        return agent.post("/signin/two-factor", Map.of("action", "later"));
    }

    /**
     * Sends the request from a browser that is already signed in, and returns the redirect to the client
     * (no sign-in pages on the way).
     */
    public static URI authorize(HttpAgent agent, Request request) {
        HttpResponse<String> toClient = agent.get(request.authorizationUrl());
        expectRedirect(toClient, request.redirectUri);
        return URI.create(HttpAgent.location(toClient));
    }

    /**
     * From the sign-in's last redirect back to the authorization request: follows it to the client's redirect_uri,
     * exchanges the code as the client (with {@code secret}) and returns the ID token's claims, not verified.
     */
    public static JsonNode idTokenAfter(HttpAgent browser, String issuer, Request request, String secret,
            HttpResponse<String> backToAuthorization) {
        expectRedirect(backToAuthorization, "/oauth2/authorize");
        URI callback = URI.create(HttpAgent.location(browser.get(HttpAgent.location(backToAuthorization))));
        if (!callback.toString().startsWith(request.redirectUri)) {
            throw new AssertionError("expected a redirect to " + request.redirectUri + " but got " + callback);
        }
        HttpResponse<String> tokens = new HttpAgent(issuer).header("Authorization", basic(request.clientId, secret))
                .post("/oauth2/token", codeExchange(request, param(callback, "code")));
        expectStatus(tokens, 200);
        return claims(json(tokens).get("id_token").asString());
    }

    /** The {@code sid} that Spring Authorization Server gives the ID tokens of this browser session: SHA-256 of its id. */
    public static String sid(String sessionId) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(sessionId.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP Basic {@code Authorization} header value with a client's credentials (RFC 6749 2.3.1). */
    public static String basic(String clientId, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** The body of a response as JSON. */
    public static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    /** The payload of a JWT, not verified. */
    public static JsonNode claims(String jwt) {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    /** A form from name, value pairs, in order. */
    public static Map<String, String> form(String... pairs) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            form.put(pairs[i], pairs[i + 1]);
        }
        return form;
    }

    /** A query parameter of a URI. */
    public static String param(URI uri, String name) {
        return UriComponentsBuilder.fromUri(uri).build().getQueryParams().getFirst(name);
    }

    /** The form of a code exchange for this request. */
    public static Map<String, String> codeExchange(Request request, String code) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", request.redirectUri);
        form.put("code_verifier", request.verifier);
        return form;
    }

    private static void expectRedirect(HttpResponse<String> response, String locationStart) {
        if (!HttpAgent.isRedirect(response) || !stripHost(HttpAgent.location(response)).startsWith(stripHost(locationStart))) {
            throw new AssertionError("expected a redirect to " + locationStart + " from " + response.uri() + " but got "
                    + response.statusCode() + " " + response.headers().firstValue("Location").orElse("") + "\n"
                    + response.body());
        }
    }

    private static void expectStatus(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new AssertionError("expected " + status + " from " + response.uri() + " but got "
                    + response.statusCode() + "\n" + response.body());
        }
    }

    private static String stripHost(String url) {
        return url.replaceFirst("^http://(localhost|127\\.0\\.0\\.1):\\d+", "");
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        new SecureRandom().nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }
}
