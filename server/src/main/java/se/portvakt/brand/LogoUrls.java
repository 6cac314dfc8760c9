package se.portvakt.brand;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Fetches a logo the bootstrap file gives as a URL, once at start (decision 0024): afterwards it is stored and served
 * like a file's. Only {@code https:} (plain {@code http:} only with {@code portvakt.brand.allow-http-logos}, for
 * tests), no redirects (a redirect could lead the server to an address inside its own network that the operator
 * never wrote down: the operator gives the final URL), short timeouts, and at most 20 KB read, so a slow or endless
 * answer cannot hold up the start or fill the memory. What arrives must be served as {@code image/svg+xml} or
 * {@code image/png} and pass the same checks as a file.
 */
@Component
public class LogoUrls {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final boolean allowHttp;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private HttpClient http;

    /** A logo as it arrived: its bytes, checked, and {@code svg} or {@code png}. */
    public record Fetched(byte[] bytes, String type) {}

    @Autowired
    LogoUrls(@Value("${portvakt.brand.allow-http-logos:false}") boolean allowHttp) {
        this(allowHttp, CONNECT_TIMEOUT, READ_TIMEOUT);
    }

    LogoUrls(boolean allowHttp, Duration connectTimeout, Duration readTimeout) {
        this.allowHttp = allowHttp;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /** Made at the first logo URL: most installations have none, and a client keeps a thread while it lives. */
    private synchronized HttpClient http() {
        if (http == null) {
            // HTTP/1.1: a plain-http test server gets no h2c upgrade attempt; a logo gains nothing from HTTP/2.
            http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NEVER).build();
        }
        return http;
    }

    /** Whether the bootstrap file's {@code logo} is a URL to fetch rather than a file or classpath resource. */
    public static boolean isUrl(String logo) {
        return logo.regionMatches(true, 0, "https:", 0, 6) || logo.regionMatches(true, 0, "http:", 0, 5);
    }

    /**
     * GETs the logo of the client {@code clientId} from {@code location}.
     *
     * @throws IllegalArgumentException with a message naming the client and the URL, when the URL is not one to
     *     fetch, the server cannot be reached or does not answer in time, or the answer is not a 200 with an SVG or
     *     PNG of at most 20 KB
     */
    public Fetched fetch(String clientId, String location) {
        URI url = url(clientId, location);
        HttpRequest request = HttpRequest.newBuilder(url).timeout(readTimeout)
                .header("Accept", "image/svg+xml, image/png").GET().build();
        CompletableFuture<HttpResponse<byte[]>> answer = http().sendAsync(request,
                info -> new FirstBytes(worthReading(info) ? BrandDefinition.MAX_LOGO_BYTES + 1 : 0));
        HttpResponse<byte[]> response;
        try {
            // Waited for on the future, not only by the request's timeout, so a body that stalls counts too.
            response = answer.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw refused(clientId, url, "did not arrive within " + readTimeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpConnectTimeoutException) {
                throw refused(clientId, url, "could not be fetched: no connection within "
                        + connectTimeout.toSeconds() + " s");
            }
            if (cause instanceof HttpTimeoutException) {
                throw refused(clientId, url, "did not arrive within " + readTimeout.toSeconds() + " s");
            }
            throw refused(clientId, url, "could not be fetched: " + (cause instanceof IOException
                    ? cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                    : String.valueOf(cause)));
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw refused(clientId, url, "could not be fetched: interrupted");
        }
        return checked(clientId, url, response);
    }

    private URI url(String clientId, String location) {
        URI url;
        try {
            url = new URI(location.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("client " + clientId + ": logo " + location + " is not a URL");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (url.getHost() == null || !("https".equals(scheme) || "http".equals(scheme))) {
            throw new IllegalArgumentException("client " + clientId + ": logo " + location
                    + " is not an https: URL with a host");
        }
        if (url.getRawUserInfo() != null) {
            // It would be in the start's messages and the log; a logo is public anyway.
            throw new IllegalArgumentException("client " + clientId + ": logo URL must not carry a user name or "
                    + "password");
        }
        if ("http".equals(scheme) && !allowHttp) {
            throw refused(clientId, url, "is not https: a logo fetched over plain http could be replaced on the way "
                    + "(portvakt.brand.allow-http-logos is for tests)");
        }
        return url;
    }

    /** Only a 200 with an image type and no larger length declared is read at all. */
    private static boolean worthReading(HttpResponse.ResponseInfo info) {
        return info.statusCode() == 200 && typeOf(info.headers()) != null
                && info.headers().firstValueAsLong("Content-Length").orElse(0) <= BrandDefinition.MAX_LOGO_BYTES;
    }

    private static Fetched checked(String clientId, URI url, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status / 100 == 3) {
            throw refused(clientId, url, "answered HTTP " + status + ", a redirect to "
                    + response.headers().firstValue("Location").orElse("nowhere")
                    + ": Portvakt follows no redirects, so give the logo's final URL");
        }
        if (status != 200) {
            throw refused(clientId, url, "could not be fetched: HTTP " + status);
        }
        String type = typeOf(response.headers());
        if (type == null) {
            throw refused(clientId, url, "is served as " + response.headers().firstValue("Content-Type")
                    .orElse("no Content-Type") + ", not image/svg+xml or image/png");
        }
        byte[] logo = response.body();
        if (logo.length > BrandDefinition.MAX_LOGO_BYTES
                || response.headers().firstValueAsLong("Content-Length").orElse(0) > BrandDefinition.MAX_LOGO_BYTES) {
            throw BrandDefinition.tooBig(clientId, url.toString());
        }
        return new Fetched(logo, BrandDefinition.checkedLogoType(clientId, url.toString(), type, logo));
    }

    /** {@code svg} or {@code png} from the answer's Content-Type (its parameters aside), else null. */
    private static String typeOf(HttpHeaders headers) {
        String mediaType = headers.firstValue("Content-Type").orElse("").split(";", 2)[0].strip()
                .toLowerCase(Locale.ROOT);
        return switch (mediaType) {
            case "image/svg+xml" -> "svg";
            case "image/png" -> "png";
            default -> null;
        };
    }

    private static IllegalArgumentException refused(String clientId, URI url, String reason) {
        return new IllegalArgumentException("client " + clientId + ": logo " + url + " " + reason);
    }

    /**
     * Keeps at most {@code limit} bytes of a body and then stops reading it (the connection is dropped), so a logo
     * bigger than allowed is refused after 20 KB, not after the whole of it; a limit of 0 reads nothing.
     */
    private static final class FirstBytes implements HttpResponse.BodySubscriber<byte[]> {

        private final int limit;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        FirstBytes(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (limit == 0) {
                subscription.cancel();
                body.complete(new byte[0]);
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                byte[] bytes = new byte[Math.min(buffer.remaining(), limit - kept.size())];
                buffer.get(bytes);
                kept.write(bytes, 0, bytes.length);
            }
            if (kept.size() >= limit) {
                subscription.cancel();
                body.complete(kept.toByteArray());
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(kept.toByteArray());
        }
    }
}
