package se.portvakt.delivery.sms;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import se.portvakt.testing.FormBody;

/**
 * A stand-in for an SMS provider's API on 127.0.0.1 and a free port: it records every request it receives and
 * gives the answer it was told to, optionally late (before the headers, or between the headers and the body).
 */
final class ProviderStub implements AutoCloseable {

    /** One request as it arrived. */
    record Received(String method, String path, Map<String, String> headers, String body) {

        /** A header's value; the names are compared in lower case. */
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** The body read as {@code application/x-www-form-urlencoded} fields, in order. */
        Map<String, String> form() {
            return FormBody.fields(body);
        }
    }

    /** What the stub answers next. */
    record Answer(int status, String contentType, String body, Duration beforeHeaders, Duration beforeBody) {

        static Answer json(int status, String body) {
            return new Answer(status, "application/json; charset=utf-8", body, Duration.ZERO, Duration.ZERO);
        }

        static Answer text(int status, String body) {
            return new Answer(status, "text/plain; charset=utf-8", body, Duration.ZERO, Duration.ZERO);
        }

        Answer after(Duration delay) {
            return new Answer(status, contentType, body, delay, beforeBody);
        }

        Answer stallingBodyFor(Duration delay) {
            return new Answer(status, contentType, body, beforeHeaders, delay);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Answer answer = Answer.text(500, "no answer set in the test");

    ProviderStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The stub's base URL, e.g. {@code http://127.0.0.1:41234}, with {@code path} appended. */
    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    void answer(Answer next) {
        answer = next;
    }

    /** The one request received; fails the test if there was none or more than one. */
    Received request() {
        if (received.size() != 1) {
            throw new AssertionError("expected one request to the provider, got " + received.size());
        }
        return received.get(0);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow(); // wakes handlers still sleeping through a timeout test
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) ->
                    headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), headers,
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            Answer next = answer;
            Thread.sleep(next.beforeHeaders().toMillis());
            byte[] body = next.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", next.contentType());
            exchange.sendResponseHeaders(next.status(), body.length == 0 ? -1 : body.length);
            OutputStream out = exchange.getResponseBody();
            out.flush();
            Thread.sleep(next.beforeBody().toMillis());
            out.write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientGaveUp) {
            // The adapter stopped waiting (the timeout tests): nothing more to answer.
        }
    }
}
