package se.portvakt.bench;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keycloak's browser sign-in, for side-by-side measurements ({@code bench/side-by-side.sh}): the authorization
 * request (code flow with PKCE S256), Keycloak's one login form (username and password together), and the
 * client's code exchange at the token endpoint: one operation, 3 HTTP requests, a fresh cookie jar each time.
 * The defaults are the realm that {@code ../shared/peers/keycloak.sh start} creates.
 */
final class KeycloakSignIn {

    static final String SCENARIO = "keycloak-signin";

    /** The login form's action, HTML-escaped in the page. */
    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*\\saction=\"([^\"]*login-actions/authenticate[^\"]*)\"");

    private final LoadGenerator generator;
    private final String realm;
    private final String client;
    private final String secret;
    private final String redirectUri;
    private final String email;
    private final String password;

    KeycloakSignIn(LoadGenerator generator) {
        this.generator = generator;
        this.realm = generator.opt("realm-path", "/realms/bench");
        this.client = generator.opt("client", "rp");
        this.secret = generator.opt("secret", "rpsecret");
        this.redirectUri = generator.opt("redirect-uri", "http://127.0.0.1:9999/cb");
        this.email = generator.opt("email", "bench.user@example.com");
        this.password = generator.opt("password", "Bench-Password-2026");
    }

    LoadGenerator.Operation user(Browser b) {
        return () -> {
            signIn(b);
            return null;
        };
    }

    /** One whole sign-in; returns the token response body. */
    String signIn(Browser b) throws Exception {
        b.clearCookies();
        LoadGenerator.Authorization authorization = generator.newAuthorization(realm + "/protocol/openid-connect/auth",
                client, redirectUri, "openid email profile");
        HttpResponse<String> r = b.get(authorization.path());
        LoadGenerator.expect(r, 200, "GET Keycloak's login page");
        Matcher action = FORM_ACTION.matcher(r.body());
        if (!action.find()) {
            throw new AssertionError("Keycloak's login page has no login form");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("username", email);
        form.put("password", password);
        form.put("credentialId", "");
        r = b.postForm(action.group(1).replace("&amp;", "&"), form);
        String code = generator.code(r, authorization, redirectUri);
        Map<String, String> exchange = new LinkedHashMap<>();
        exchange.put("grant_type", "authorization_code");
        exchange.put("code", code);
        exchange.put("redirect_uri", redirectUri);
        exchange.put("code_verifier", authorization.verifier());
        r = b.postBasic(realm + "/protocol/openid-connect/token", client, secret, exchange);
        LoadGenerator.expect(r, 200, "Keycloak's code exchange");
        if (!r.body().contains("\"id_token\"")) {
            throw new AssertionError("Keycloak's code exchange: no id_token");
        }
        return r.body();
    }
}
