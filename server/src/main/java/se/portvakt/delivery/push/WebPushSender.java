package se.portvakt.delivery.push;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.function.SingletonSupplier;

/**
 * Web Push: wakes a device through the push service its browser chose (Google's, Mozilla's, Apple's, ...) with no
 * account at any of them. One POST per message to the subscription's endpoint (RFC 8030) with {@code TTL},
 * {@code Urgency: high} and the payload encrypted for the device ({@link PayloadEncryption}, RFC 8291), signed
 * for by the server's VAPID key ({@link Vapid}, RFC 8292).
 *
 * <p>201 or 202 is delivered; 404 or 410 means the subscription is gone; anything else, no connection, or no
 * whole answer within the read timeout is a failure whose reason names the push service by its origin only (the
 * endpoint's path is the device's address and stays out of logs). Endpoints come from devices, so only http and
 * https are followed, never a redirect, and no more of an answer is read than the reason quotes.
 */
final class WebPushSender implements PushSender {

    private static final Logger log = LoggerFactory.getLogger(WebPushSender.class);
    private static final int REASON_LENGTH = 200;

    /** Made at the first push message, not at start-up (as the logout tokens' client, decision 0056). */
    private final SingletonSupplier<HttpClient> http;
    private final Supplier<Vapid> vapid;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Clock clock;
    private final boolean privateEndpoints;

    /**
     * @param privateEndpoints whether endpoints at loopback, private or link-local addresses are sent to (a local
     *     push service in tests); off, a device cannot make the server post to the inside of its network
     */
    WebPushSender(Vapid vapid, Duration connectTimeout, Duration readTimeout, Clock clock, boolean privateEndpoints) {
        this(() -> vapid, connectTimeout, readTimeout, clock, privateEndpoints);
    }

    /** @param vapid the key and subject, asked for at each message (a new database's key is made at the first) */
    WebPushSender(Supplier<Vapid> vapid, Duration connectTimeout, Duration readTimeout, Clock clock,
            boolean privateEndpoints) {
        this.vapid = vapid;
        this.privateEndpoints = privateEndpoints;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.clock = clock;
        // HTTP/1.1: every push service speaks it, and a plain-http endpoint gets no h2c upgrade attempt.
        this.http = SingletonSupplier.of(() -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build());
    }

    @Override
    public PushOutcome send(PushSubscription to, byte[] payload, Duration ttl) {
        try {
            URI endpoint = endpoint(to.endpoint());
            if (!privateEndpoints) {
                if (!"https".equalsIgnoreCase(endpoint.getScheme())) {
                    throw new IllegalArgumentException("the endpoint is not https (portvakt.push.private-endpoints)");
                }
                requirePublic(endpoint.getHost());
            }
            byte[] body = PayloadEncryption.encrypt(payload, PayloadEncryption.Recipient.of(to));
            return post(endpoint, body, ttl == null || ttl.isNegative() ? 0 : ttl.toSeconds());
        } catch (IllegalArgumentException unusable) {
            return new PushOutcome.Failed("not sent: " + unusable.getMessage());
        } catch (RuntimeException bug) {
            log.warn("Web Push failed unexpectedly", bug);
            return new PushOutcome.Failed("not sent: " + bug);
        }
    }

    private PushOutcome post(URI endpoint, byte[] body, long ttlSeconds) {
        String service = "the push service at " + Vapid.origin(endpoint);
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(readTimeout)
                .header("TTL", Long.toString(ttlSeconds))
                .header("Urgency", "high")
                .header("Content-Type", "application/octet-stream")
                .header("Content-Encoding", "aes128gcm")
                .header("Authorization", vapid.get().authorization(endpoint, clock.instant()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        CompletableFuture<HttpResponse<String>> answer = http.obtain().sendAsync(request, response -> new FirstBytes(REASON_LENGTH));
        try {
            // Waited for on the future, not only by the request's timeout, so a body that stalls counts too.
            HttpResponse<String> response = answer.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return switch (response.statusCode()) {
                case 201, 202 -> new PushOutcome.Delivered();
                case 404, 410 -> new PushOutcome.Gone();
                default -> new PushOutcome.Failed(service + " answered " + response.statusCode() + excerpt(response.body()));
            };
        } catch (TimeoutException e) {
            answer.cancel(true);
            return noAnswer(service);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpConnectTimeoutException) {
                return new PushOutcome.Failed(service + " did not accept a connection within " + seconds(connectTimeout));
            }
            if (cause instanceof HttpTimeoutException) {
                return noAnswer(service);
            }
            return new PushOutcome.Failed(service + " could not be reached: " + (cause instanceof IOException
                    && cause.getMessage() != null ? cause.getClass().getSimpleName() + ": " + cause.getMessage() : cause));
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            return new PushOutcome.Failed("interrupted while sending to " + service);
        }
    }

    private PushOutcome noAnswer(String service) {
        return new PushOutcome.Failed(service + " did not answer within " + seconds(readTimeout));
    }

    /**
     * Refuses a host that is, or resolves to, an address inside a network (loopback, private, link-local, carrier-grade
     * NAT, unique-local IPv6, any-local, multicast): push services are on the internet, and the endpoint comes from a
     * device, which must not make the server post to the inside of its own network.
     *
     * @throws IllegalArgumentException when the host is such an address or cannot be resolved
     */
    static void requirePublic(String host) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("the endpoint's host is not known");
        }
        for (InetAddress address : addresses) {
            byte[] bytes = address.getAddress();
            boolean carrierGradeNat = bytes.length == 4 && (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64;
            boolean uniqueLocal = bytes.length == 16 && (bytes[0] & 0xfe) == 0xfc;
            if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                    || address.isAnyLocalAddress() || address.isMulticastAddress() || carrierGradeNat || uniqueLocal) {
                throw new IllegalArgumentException("the endpoint is at a private address (portvakt.push.private-endpoints)");
            }
        }
    }

    /**
     * The subscription's endpoint, if it is one to send to.
     *
     * @throws IllegalArgumentException when it is not an absolute http or https URL with a host and no user info
     */
    static URI endpoint(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the subscription has no endpoint");
        }
        URI endpoint;
        try {
            endpoint = new URI(value.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the endpoint is not a URL");
        }
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!("https".equals(scheme) || "http".equals(scheme)) || endpoint.getHost() == null
                || endpoint.getRawUserInfo() != null) {
            throw new IllegalArgumentException("the endpoint is not an http or https URL with a host");
        }
        return endpoint;
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static String excerpt(String body) {
        String line = body == null ? "" : body.replaceAll("\\s+", " ").strip();
        return line.isEmpty() ? "" : ": " + line;
    }

    /**
     * Keeps the first bytes of an answer's body, for the reason of a refusal, and stops reading there: the endpoint
     * comes from a device, and its answer may be anything, of any length.
     */
    private static final class FirstBytes implements HttpResponse.BodySubscriber<String> {

        private final int limit;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final CompletableFuture<String> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        FirstBytes(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<String> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(1);
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
                body.complete(kept.toString(StandardCharsets.UTF_8) + "…");
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
            body.complete(kept.toString(StandardCharsets.UTF_8));
        }
    }
}
