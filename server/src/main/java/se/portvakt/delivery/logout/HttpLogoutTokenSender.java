package se.portvakt.delivery.logout;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.springframework.stereotype.Component;
import org.springframework.util.function.SingletonSupplier;

/**
 * Delivers a logout token as the specification says: {@code POST} of {@code application/x-www-form-urlencoded}
 * {@code logout_token=<JWT>}; a 2xx answer is delivered, anything else (another status, a redirect, which is not
 * followed, a refused connection, a timeout) is not.
 */
@Component
final class HttpLogoutTokenSender implements LogoutTokenSender {

    /**
     * Made at the first logout token, not at start-up: a client loads the JDK's trust store and starts a thread,
     * about 0.1-0.2 s of the start (decision 0056), and many servers never tell an application of a logout.
     */
    private final SingletonSupplier<HttpClient> http;
    private final LogoutDeliveryProperties settings;

    HttpLogoutTokenSender(LogoutDeliveryProperties settings) {
        this.settings = settings;
        // HTTP/1.1: no h2c upgrade for servers that stumble over it.
        this.http = SingletonSupplier.of(() -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build());
    }

    @Override
    public CompletableFuture<Outcome> send(URI endpoint, String logoutToken) {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(settings.readTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "logout_token=" + URLEncoder.encode(logoutToken, StandardCharsets.UTF_8)))
                .build();
        return http.obtain().sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> failure == null
                        ? new Outcome(response.statusCode() / 100 == 2, "HTTP " + response.statusCode())
                        : new Outcome(false, describe(failure)));
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage());
    }
}
