package se.portvakt.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A reverse proxy on loopback in front of several nodes, without sticky sessions, for a real browser to sign in
 * over a cluster (issue 14): each request, not each connection (a browser keeps its connections open), goes to the
 * next node. Pages and form posts take turns among themselves, and so do the other requests (stylesheets, scripts,
 * icons), so that every step of a journey is answered by the other node than the step before, however many files a
 * page loads. It forwards as a trusted proxy does ({@code scripts/cluster.sh}'s HAProxy): method, path, query, body
 * and headers (cookies included) unchanged, the browser's host name ({@code localhost}) with its own port in
 * {@code X-Forwarded-Port}, and {@code X-Forwarded-For} and {@code -Proto} replaced by its own; the answer goes back
 * as the node gave it, redirects not followed. It listens before the nodes start, so that its address can be their
 * issuer.
 */
public final class RoundRobinProxy implements AutoCloseable {

    /**
     * One request forwarded: what was asked, whether it was a page (or a form post), the node that answered, and the
     * answer's status and content type (null when none).
     */
    public record Forwarded(String method, String path, boolean page, String node, int status, String type) {

        /** "POST /signin", the query left out. */
        public String request() {
            return method + " " + path;
        }
    }

    // Hop-by-hop headers (RFC 9110 7.6.1), those the JDK's client sets itself, and what this proxy replaces.
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "transfer-encoding", "upgrade", "http2-settings", "host", "content-length", "expect", "date",
            "x-forwarded-for", "x-forwarded-proto", "x-forwarded-port", "x-forwarded-host", "forwarded");

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "round-robin-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(threads)
            .build();
    private final AtomicInteger pages = new AtomicInteger();
    private final AtomicInteger others = new AtomicInteger();
    private final List<Forwarded> forwarded = new ArrayList<>();
    private volatile List<String> nodes = List.of();
    private final Map<String, String> pinned = new java.util.concurrent.ConcurrentHashMap<>();

    private RoundRobinProxy(HttpServer server) {
        this.server = server;
    }

    /** A proxy listening on a free loopback port, with no nodes yet (it answers 502 until {@link #to}). */
    public static RoundRobinProxy open() {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("the proxy cannot listen", e);
        }
        RoundRobinProxy proxy = new RoundRobinProxy(server);
        server.createContext("/", proxy::forward);
        server.setExecutor(proxy.threads);
        server.start();
        return proxy;
    }

    /** Where a browser reaches the nodes, and what their issuer is: {@code http://localhost:port}. */
    public String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /**
     * Sends requests to these nodes in turn from now on. Given as {@code http://localhost:port}, the nodes see the
     * host name the browser used, and the proxy's port in {@code X-Forwarded-Port}: their redirects come back here.
     */
    public void to(String... bases) {
        nodes = List.copyOf(Arrays.asList(bases));
    }

    /**
     * Sends every request for {@code path} to {@code node}, outside the turns: a test that needs a long request (a
     * page's event stream) on a known node, as a load balancer may happen to place it.
     */
    public void pin(String path, String node) {
        pinned.put(path, node);
    }

    /** Every request forwarded so far, in the order the proxy's answers began. */
    public synchronized List<Forwarded> forwarded() {
        return List.copyOf(forwarded);
    }

    private void forward(HttpExchange exchange) throws IOException {
        try {
            Headers asked = exchange.getRequestHeaders();
            boolean page = isPage(asked);
            List<String> targets = nodes;
            if (targets.isEmpty()) {
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            URI uri = exchange.getRequestURI();
            String node = pinned.containsKey(uri.getRawPath()) ? pinned.get(uri.getRawPath())
                    : targets.get(Math.floorMod((page ? pages : others).getAndIncrement(), targets.size()));
            String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node + pathAndQuery))
                    .timeout(Duration.ofSeconds(60))
                    .method(exchange.getRequestMethod(), body.length == 0 && !asked.containsKey("Content-Length")
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            Set<String> named = connectionHeaders(asked);
            asked.forEach((name, values) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (!NOT_FORWARDED.contains(lower) && !named.contains(lower)) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            request.header("X-Forwarded-For", exchange.getRemoteAddress().getAddress().getHostAddress());
            request.header("X-Forwarded-Proto", "http");
            request.header("X-Forwarded-Port", String.valueOf(server.getAddress().getPort()));
            HttpResponse<InputStream> answer;
            try {
                answer = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException unreachable) {
                exchange.sendResponseHeaders(502, -1);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            String type = answer.headers().firstValue("Content-Type").orElse(null);
            synchronized (this) {
                forwarded.add(new Forwarded(exchange.getRequestMethod(), uri.getRawPath(), page, node,
                        answer.statusCode(), type));
            }
            Headers given = exchange.getResponseHeaders();
            HttpHeaders headers = answer.headers();
            Set<String> namedBack = connectionHeaders(headers.map());
            headers.map().forEach((name, values) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (!NOT_FORWARDED.contains(lower) && !namedBack.contains(lower)) {
                    given.put(name, new ArrayList<>(values));
                }
            });
            boolean bodiless = "HEAD".equals(exchange.getRequestMethod()) || answer.statusCode() == 204
                    || answer.statusCode() == 304;
            try (InputStream from = answer.body()) {
                if (type != null && type.startsWith("text/event-stream") && !bodiless) {
                    // An event stream goes on as it comes (chunked), each read passed on at once, as a proxy that does
                    // not buffer it.
                    exchange.sendResponseHeaders(answer.statusCode(), 0);
                    OutputStream out = exchange.getResponseBody();
                    byte[] buffer = new byte[1024];
                    for (int read; (read = from.read(buffer)) >= 0; ) {
                        out.write(buffer, 0, read);
                        out.flush();
                    }
                    return;
                }
                byte[] content = from.readAllBytes();
                exchange.sendResponseHeaders(answer.statusCode(), bodiless || content.length == 0 ? -1 : content.length);
                if (!bodiless && content.length > 0) {
                    exchange.getResponseBody().write(content);
                }
            }
        } finally {
            exchange.close();
        }
    }

    /**
     * A page or a form post, as the browser says with {@code Sec-Fetch-Dest} (which Chromium sends to localhost, a
     * secure context); by what it accepts otherwise.
     */
    private static boolean isPage(Headers headers) {
        String destination = headers.getFirst("Sec-Fetch-Dest");
        if (destination != null) {
            return destination.equals("document");
        }
        String accept = headers.getFirst("Accept");
        return accept != null && accept.startsWith("text/html");
    }

    /** The headers that {@code Connection} names, which belong to this hop only. */
    private static Set<String> connectionHeaders(Map<String, List<String>> headers) {
        return headers.entrySet().stream()
                .filter(header -> header.getKey().equalsIgnoreCase("Connection"))
                .flatMap(header -> header.getValue().stream())
                .flatMap(value -> Arrays.stream(value.split(",")))
                .map(name -> name.strip().toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
