package se.portvakt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import se.portvakt.testing.Eventually;
import se.portvakt.testing.Haproxy;
import se.portvakt.testing.TestDatabase;
import se.portvakt.testing.TestServer;

/**
 * What HAProxy, set up as {@code scripts/cluster.sh} sets it up, does with a request whose node closes the connection
 * without an answer, as a node killed in the middle of a request does (decision 0073): a GET is tried once more on
 * the other node and answered from there; a POST is not sent again, since its node may have done it, and the browser
 * gets no answer (HAProxy closes the connection, or answers 502 on a connection's first request). The node that dies
 * is a stand-in that speaks HTTP: it answers the proxy's readiness checks and closes the connection after reading any
 * other request whole; the other node is a real one.
 */
class ProxyRetriesTest {

    @Test
    void aReadWhoseNodeDiedIsAnsweredByTheOtherNodeAndAFormIsNotSentTwice() throws Exception {
        int port = TestDatabase.freePort();
        try (TestServer node = TestServer.onNewH2(Map.of());
                NodeThatDies dying = new NodeThatDies();
                Haproxy haproxy = Haproxy.start(port, List.of(dying.url(), node.loopback()))) {
            // Both are in the proxy's rotation once each has passed two checks in a row.
            assertThat(Eventually.holds(() -> dying.checks.get() >= 3)).as("the proxy checks the dying node").isTrue();
            String discovery = "/.well-known/openid-configuration";
            assertThat(Eventually.holds(() -> "200 node2".equals(send(port, "GET", discovery))))
                    .as("the real node in the proxy's rotation; see %s", haproxy.log()).isTrue();

            int dropsBefore = dying.dropped("GET");
            for (int i = 0; i < 10; i++) {
                assertThat(send(port, "GET", discovery))
                        .as("GET %d answered by the real node; see %s", i, haproxy.log()).isEqualTo("200 node2");
            }
            assertThat(dying.dropped("GET") - dropsBefore).as("GETs that reached the dying node first, then the other")
                    .isGreaterThanOrEqualTo(4);

            int lost = 0;
            int refusedByTheNode = 0;
            for (int i = 0; i < 10; i++) {
                String answer = send(port, "POST", "/oauth2/token");
                if (answer.endsWith(" node2")) {
                    assertThat(answer).as("the real node refuses a token request without a client")
                            .isEqualTo("401 node2");
                    refusedByTheNode++;
                } else {
                    assertThat(answer).as("the proxy's own answer for a POST whose node closed without one")
                            .isIn("none", "502 node1");
                    lost++;
                }
            }
            assertThat(lost).as("POSTs that reached the dying node: each lost, none sent again to the other node")
                    .isEqualTo(dying.dropped("POST")).isGreaterThanOrEqualTo(4);
            assertThat(refusedByTheNode).isGreaterThanOrEqualTo(4);
        }
    }

    /**
     * One request on a connection of its own, as a client that never sends a request again by itself (browsers and
     * Java's HttpClient repeat a GET whose connection closed without an answer, which would hide the proxy's part):
     * the answer's status and the node that gave it, or "none" when the connection closed without an answer.
     */
    private static String send(int port, String method, String path) {
        String body = method.equals("POST") ? "grant_type=client_credentials" : "";
        String request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n"
                + (body.isEmpty() ? "" : "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                        + body.length() + "\r\n")
                + "\r\n" + body;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String head = NodeThatDies.readHead(new BufferedInputStream(socket.getInputStream()));
            if (head.isEmpty()) {
                return "none";
            }
            String status = head.split(" ", 3)[1];
            String answeredBy = "-";
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith(Haproxy.NODE_HEADER.toLowerCase(Locale.ROOT) + ":")) {
                    answeredBy = line.substring(Haproxy.NODE_HEADER.length() + 1).trim();
                }
            }
            return status + " " + answeredBy;
        } catch (IOException e) {
            return "none";
        }
    }

    /**
     * A node that answers {@code GET /actuator/health/readiness} with 200 and closes the connection without an answer
     * after reading any other request, headers and body: what the proxy sees of a node killed mid-request.
     */
    private static final class NodeThatDies implements AutoCloseable {

        final AtomicInteger checks = new AtomicInteger();
        private final List<String> dropped = new ArrayList<>();
        private final ServerSocket listening;

        NodeThatDies() throws IOException {
            listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            daemon(this::accept);
        }

        private static void daemon(Runnable work) {
            Thread thread = new Thread(work, "node-that-dies");
            thread.setDaemon(true);
            thread.start();
        }

        String url() {
            return "http://127.0.0.1:" + listening.getLocalPort();
        }

        synchronized int dropped(String method) {
            return (int) dropped.stream().filter(method::equals).count();
        }

        private void accept() {
            while (!listening.isClosed()) {
                try {
                    Socket socket = listening.accept();
                    daemon(() -> serve(socket));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void serve(Socket socket) {
            try (socket) {
                InputStream in = new BufferedInputStream(socket.getInputStream());
                String head = readHead(in);
                if (head.isEmpty()) {
                    return;
                }
                String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
                if (requestLine[1].equals("/actuator/health/readiness")) {
                    checks.incrementAndGet();
                    socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 15\r\nConnection: close\r\n\r\n{\"status\":\"UP\"}")
                            .getBytes(StandardCharsets.US_ASCII));
                    return;
                }
                in.readNBytes(contentLength(head));
                synchronized (this) {
                    dropped.add(requestLine[0]);
                }
            } catch (IOException e) {
                // the proxy closed first: nothing to drop
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int last4 = 0;
            int b;
            while ((b = in.read()) != -1) {
                head.write(b);
                last4 = (last4 << 8) | b;
                if (last4 == ('\r' << 24 | '\n' << 16 | '\r' << 8 | '\n')) {
                    break;
                }
            }
            return head.toString(StandardCharsets.US_ASCII);
        }

        private static int contentLength(String head) {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    return Integer.parseInt(line.substring("content-length:".length()).trim());
                }
            }
            return 0;
        }

        @Override
        public void close() {
            try {
                listening.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
