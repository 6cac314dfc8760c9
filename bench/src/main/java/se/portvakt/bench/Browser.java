package se.portvakt.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One virtual user: its own HTTP connection(s), its own cookie jar, no automatic redirects (each hop is a
 * request the benchmark counts, as a browser would make it). Cookies are kept by name only: every target
 * is one loopback host, and the jar can be emptied between iterations so each sign-in starts from nothing.
 */
final class Browser {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"|value=\"([^\"]+)\"\\s+name=\"_csrf\"");

    private final HttpClient http;
    private final URI base;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private String csrf;
    long requests;
    /** The response header that names the node behind a proxy which answered (null: not recorded). */
    private final String nodeHeader;
    /** The nodes that answered since {@link #forgetNodes()}, in order of first answer, and the last one. */
    final Set<String> nodes = new LinkedHashSet<>();
    String lastNode = "";
    /** The request being sent, as "METHOD /path", kept after it fails without an answer. */
    String lastRequest = "";

    Browser(URI base) {
        this(base, null);
    }

    Browser(URI base, String nodeHeader) {
        this.base = base;
        this.nodeHeader = nodeHeader;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    void forgetNodes() {
        nodes.clear();
        lastNode = "";
    }

    private void noteNode(HttpResponse<?> response) {
        if (nodeHeader != null) {
            lastNode = response.headers().firstValue(nodeHeader).orElse("no " + nodeHeader);
            nodes.add(lastNode);
        }
    }

    void clearCookies() {
        cookies.clear();
        csrf = null;
    }

    HttpResponse<String> get(String pathOrUrl) throws IOException, InterruptedException {
        return send(request(pathOrUrl).GET().build());
    }

    /** A GET as a page's script polls: asking for JSON. */
    HttpResponse<String> getJson(String pathOrUrl) throws IOException, InterruptedException {
        return send(request(pathOrUrl).header("Accept", "application/json").GET().build());
    }

    /** Posts a form, adding the CSRF token of the last page that had one. */
    HttpResponse<String> postForm(String path, Map<String, String> fields) throws IOException, InterruptedException {
        Map<String, String> all = new LinkedHashMap<>(fields);
        if (csrf != null) {
            all.put("_csrf", csrf);
        }
        return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(all))).build());
    }

    /**
     * Posts a form with HTTP Basic client authentication, as a client application's backend calls the token
     * endpoint: without the browser's cookies, and keeping no cookie the answer sets.
     */
    HttpResponse<String> postBasic(String path, String user, String password, Map<String, String> fields)
            throws IOException, InterruptedException {
        String basic = java.util.Base64.getEncoder().encodeToString(
                (enc(user) + ":" + enc(password)).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = request(path, false).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))).build();
        requests++;
        lastRequest = request.method() + " " + request.uri().getPath();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        noteNode(response);
        return response;
    }

    private HttpRequest.Builder request(String pathOrUrl) {
        return request(pathOrUrl, true);
    }

    private HttpRequest.Builder request(String pathOrUrl, boolean withCookies) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathOrUrl)).timeout(Duration.ofSeconds(30));
        if (withCookies && !cookies.isEmpty()) {
            StringJoiner header = new StringJoiner("; ");
            cookies.forEach((name, value) -> header.add(name + "=" + value));
            b.header("Cookie", header.toString());
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        requests++;
        lastRequest = request.method() + " " + request.uri().getPath();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        noteNode(response);
        for (String setCookie : response.headers().allValues("Set-Cookie")) {
            String pair = setCookie.split(";", 2)[0];
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            boolean expired = setCookie.toLowerCase().contains("max-age=0") || value.isEmpty();
            if (expired) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        Matcher m = CSRF.matcher(response.body());
        if (m.find()) {
            csrf = m.group(1) != null ? m.group(1) : m.group(2);
        }
        return response;
    }

    static String location(HttpResponse<?> response) {
        return response.headers().firstValue("Location").orElse("");
    }

    static String form(Map<String, String> fields) {
        StringJoiner body = new StringJoiner("&");
        fields.forEach((k, v) -> body.add(enc(k) + "=" + enc(v)));
        return body.toString();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
