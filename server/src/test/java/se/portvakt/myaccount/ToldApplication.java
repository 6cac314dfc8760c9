package se.portvakt.myaccount;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import se.portvakt.client.ClientDefinition;
import se.portvakt.client.ClientType;
import se.portvakt.client.Clients;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OidcClient;

/**
 * An application that is told of logouts (a back-channel logout URI that requires the sid), signed in to through a
 * browser that is already signed in. Its URI refuses, so its logout tokens wait in the queue, where a test reads them;
 * the sending is BackChannelLogout's test.
 *
 * @param clientId the new application's id
 * @param sid the sid of the browser's session in its ID token
 */
record ToldApplication(String clientId, String sid) {

    static ToldApplication signedInThrough(HttpAgent browser, Clients clients, String issuer, String prefix) {
        String told = prefix + "-told-" + UUID.randomUUID().toString().substring(0, 8);
        clients.apply(new ClientDefinition(told, told, ClientType.WEB, told + "-secret",
                List.of("http://localhost:8081/" + told + "/callback"), List.of(),
                List.of("openid", "email", "offline_access"), null, null, false, "http://127.0.0.1:1/told", true));
        OidcClient.Request request = new OidcClient.Request(told, "http://localhost:8081/" + told + "/callback",
                "openid email offline_access");
        URI callback = OidcClient.authorize(browser, request);
        HttpResponse<String> tokens = new HttpAgent(issuer).header("Authorization", OidcClient.basic(told,
                told + "-secret")).post("/oauth2/token", OidcClient.codeExchange(request,
                OidcClient.param(callback, "code")));
        return new ToldApplication(told,
                OidcClient.claims(OidcClient.json(tokens).get("id_token").asString()).get("sid").asString());
    }
}
