package se.portvakt.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser without a screen for integration tests: real HTTP to the started server, a cookie jar, no
 * automatic redirects (tests look at each one), and the CSRF token of the last page kept for the next form.
 */
public final class HttpAgent {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final String base;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final List<String> nodes = new ArrayList<>();
    private final List<String> served = new ArrayList<>();
    private final List<Recorded> recorded = new ArrayList<>();
    private String recordedHeader;
    private String csrf;

    public HttpAgent(String base) {
        this.base = base;
        this.http = HttpClient.newBuilder()
                .cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Sends this header with every request from now on (e.g. X-Forwarded-For to act from another address). */
    public HttpAgent header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /**
     * Sends each request from now on to the next of these nodes in turn, as a load balancer without sticky sessions
     * does: a path, or a URL on any of the nodes (the issuer's, say, in a redirect), goes to the next one. The nodes
     * serve one issuer and share one host name, so the one cookie jar serves them all (cookies ignore the port).
     */
    public HttpAgent alternating(String... bases) {
        nodes.clear();
        nodes.addAll(List.of(bases));
        return this;
    }

    /**
     * Records the value of this response header (or "-" when absent) of every answer from now on: the node that a
     * load balancer in front names, say.
     */
    public synchronized HttpAgent recording(String header) {
        recordedHeader = header;
        recorded.clear();
        return this;
    }

    /** The recorded header's values, in order, since {@link #recording}. */
    public synchronized List<String> recorded() {
        return recorded.stream().map(Recorded::value).toList();
    }

    /** The recorded header's values of the answers to requests with this method (GET, POST), in order. */
    public synchronized List<String> recorded(String method) {
        return recorded.stream().filter(r -> r.method().equals(method)).map(Recorded::value).toList();
    }

    private record Recorded(String method, String value) {}

    /** The node each request went to, in order, since {@link #alternating}. */
    public synchronized List<String> served() {
        return List.copyOf(served);
    }

    public CookieManager cookies() {
        return cookies;
    }

    /** The CSRF token of the last page that had a form. */
    public String csrf() {
        return csrf;
    }

    public HttpResponse<String> get(String pathOrUrl) {
        return send(request(pathOrUrl).GET().build());
    }

    /** Posts a form; adds the last page's CSRF token unless the form names {@code _csrf} itself. */
    public HttpResponse<String> post(String pathOrUrl, Map<String, String> form) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (csrf != null) {
            fields.put("_csrf", csrf);
        }
        fields.putAll(form);
        fields.values().removeIf(v -> v == null);
        return send(request(pathOrUrl)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(fields)))
                .build());
    }

    /** Posts a body exactly as given (already form-encoded, or deliberately malformed), without adding a CSRF token. */
    public HttpResponse<String> postRaw(String pathOrUrl, String contentType, byte[] body) {
        return send(request(pathOrUrl)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    }

    /** The value of a cookie in the jar, or null. */
    public String cookie(String name) {
        return cookies.getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals(name))
                .map(java.net.HttpCookie::getValue)
                .findFirst()
                .orElse(null);
    }

    /** Follows redirects while they stay on this server; returns the last response (a page, or a redirect away). */
    public HttpResponse<String> follow(HttpResponse<String> response) {
        HttpResponse<String> current = response;
        for (int hops = 0; hops < 10 && isRedirect(current); hops++) {
            String location = location(current);
            if (!location.startsWith(base) && !location.startsWith("/")) {
                return current;
            }
            current = get(location);
        }
        return current;
    }

    public static boolean isRedirect(HttpResponse<?> response) {
        return response.statusCode() >= 300 && response.statusCode() < 400;
    }

    public static String location(HttpResponse<?> response) {
        return response.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no Location header"));
    }

    public static String encode(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private HttpRequest.Builder request(String pathOrUrl) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(target(pathOrUrl)))
                .timeout(Duration.ofSeconds(30));
        headers.forEach(builder::header);
        return builder;
    }

    private synchronized String target(String pathOrUrl) {
        if (nodes.isEmpty()) {
            return pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl;
        }
        String path = pathOrUrl;
        for (String node : nodes) {
            if (pathOrUrl.startsWith(node)) {
                path = pathOrUrl.substring(node.length());
            }
        }
        if (path.startsWith("http")) {
            return path; // elsewhere: an application's redirect URI, say
        }
        String next = nodes.get(served.size() % nodes.size());
        served.add(next);
        return next + path;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            synchronized (this) {
                if (recordedHeader != null) {
                    recorded.add(new Recorded(request.method(),
                            response.headers().firstValue(recordedHeader).orElse("-")));
                }
            }
            Matcher m = CSRF.matcher(response.body());
            if (m.find()) {
                csrf = m.group(1);
            }
            return response;
        } catch (IOException e) {
            throw new AssertionError("request to " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
