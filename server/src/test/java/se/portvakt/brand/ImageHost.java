package se.portvakt.brand;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A web server on 127.0.0.1 that serves an application's logo the way the test says (an image, a wrong type, a 404,
 * a redirect, an endless body, nothing at all), and counts the requests and the bytes it managed to send.
 */
final class ImageHost implements AutoCloseable {

    /** How the host answers one request. */
    interface Answer {
        void send(HttpExchange exchange) throws IOException;
    }

    static final String SVG = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" "
            + "height=\"40\"><rect width=\"40\" height=\"40\" fill=\"#155e75\"/></svg>\n";

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicReference<Answer> answer = new AtomicReference<>(image("image/svg+xml", SVG.getBytes()));
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong bytesSent = new AtomicLong();

    ImageHost() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            try (exchange) {
                answer.get().send(exchange);
            } catch (IOException dropped) {
                // The client hung up (a capped or timed-out read): what was sent is counted.
            }
        });
        server.setExecutor(threads);
        server.start();
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void answers(Answer next) {
        answer.set(next);
    }

    int requests() {
        return requests.get();
    }

    long bytesSent() {
        return bytesSent.get();
    }

    /** A 200 with this type and body, its length declared. */
    Answer image(String contentType, byte[] body) {
        return exchange -> {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(200, body.length);
            write(exchange.getResponseBody(), body);
        };
    }

    static Answer status(int status) {
        return exchange -> {
            byte[] body = "Not here".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        };
    }

    static Answer redirect(String location) {
        return exchange -> {
            exchange.getResponseHeaders().set("Location", location);
            exchange.sendResponseHeaders(302, -1);
        };
    }

    /** A valid SVG start, then comments for ever, chunked with no length declared. */
    Answer endlessSvg() {
        return exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "image/svg+xml");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            write(out, "<svg xmlns=\"http://www.w3.org/2000/svg\">".getBytes(StandardCharsets.UTF_8));
            byte[] chunk = ("<!--" + "x".repeat(1017) + "-->").getBytes(StandardCharsets.UTF_8);
            while (bytesSent.get() < 50_000_000) {
                write(out, chunk);
                out.flush();
            }
        };
    }

    /** Headers at once, then the body never comes. */
    static Answer stalling() {
        return exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "image/svg+xml");
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().flush();
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private void write(OutputStream out, byte[] bytes) throws IOException {
        out.write(bytes);
        bytesSent.addAndGet(bytes.length);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
