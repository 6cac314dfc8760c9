package se.portvakt.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy from Debian's package in front of nodes on loopback, set up as {@code scripts/cluster.sh} sets it up
 * (decision 0042): round robin without sticky sessions, health checks on the readiness group, the forwarded headers
 * replaced by the proxy's own, one retry on another node for a refused connection or a 503 (for GET and HEAD also for
 * a connection closed without an answer, decision 0073), and the answering node named in {@code X-Portvakt-Node}.
 * Its configuration and log are under {@code target/haproxy-<port>/}.
 * The binary is {@code /usr/sbin/haproxy}, or the system property {@code portvakt.haproxy}; {@code .ci/run}
 * installs it.
 */
public final class Haproxy implements AutoCloseable {

    public static final String NODE_HEADER = "X-Portvakt-Node";

    private final Process process;
    private final Path directory;

    private Haproxy(Process process, Path directory) {
        this.process = process;
        this.directory = directory;
    }

    /** Starts HAProxy on 127.0.0.1:{@code port} in front of these nodes ({@code http://127.0.0.1:port} each). */
    public static Haproxy start(int port, List<String> nodes) {
        File binary = new File(System.getProperty("portvakt.haproxy", "/usr/sbin/haproxy"));
        if (!binary.canExecute()) {
            throw new IllegalStateException("HAProxy is not installed at " + binary
                    + ": apt-get install haproxy (Debian's package; .ci/run installs it)");
        }
        try {
            Path directory = Path.of("target", "haproxy-" + port).toAbsolutePath();
            Files.createDirectories(directory);
            Path config = directory.resolve("haproxy.cfg");
            Files.writeString(config, config(port, nodes));
            Process process = new ProcessBuilder(binary.getPath(), "-db", "-f", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("haproxy.log").toFile())
                    .start();
            Haproxy haproxy = new Haproxy(process, directory);
            haproxy.awaitListening(port);
            return haproxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String config(int port, List<String> nodes) {
        StringBuilder servers = new StringBuilder();
        StringBuilder tracking = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            String address = nodes.get(i).replaceFirst("^http://", "");
            servers.append("    server node").append(i + 1).append(' ').append(address).append('\n');
            tracking.append("    server node").append(i + 1).append(' ').append(address)
                    .append(" track nodes/node").append(i + 1).append('\n');
        }
        return """
                global
                    log stdout format raw local0 info
                    maxconn 500

                defaults
                    mode http
                    log global
                    option httplog
                    timeout connect 2s
                    timeout client 65s
                    timeout server 65s
                    timeout http-request 10s
                    timeout queue 10s
                    retries 1
                    retry-on 503 conn-failure
                    option redispatch 1

                frontend portvakt
                    bind 127.0.0.1:%d
                    http-request del-header Forwarded
                    http-request set-header X-Forwarded-For %%[src]
                    http-request set-header X-Forwarded-Proto http
                    http-request set-header X-Forwarded-Port %%[dst_port]
                    http-after-response set-header %s %%[srv_name] if { srv_name -m found }
                    use_backend reads if METH_GET
                    default_backend nodes

                backend nodes
                    balance roundrobin
                    option httpchk
                    http-check send meth GET uri /actuator/health/readiness ver HTTP/1.1 hdr Host localhost
                    http-check expect status 200
                    timeout check 5s
                    default-server check inter 1s fastinter 500ms downinter 1s fall 2 rise 2
                %s
                backend reads
                    balance roundrobin
                    retry-on 503 conn-failure empty-response
                %s""".formatted(port, NODE_HEADER, servers, tracking);
    }

    /** HAProxy's log: one line per request, with the node that answered it. */
    public Path log() {
        return directory.resolve("haproxy.log");
    }

    private void awaitListening(int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("HAProxy stopped at start; see " + directory.resolve("haproxy.log"));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        close();
        throw new IllegalStateException("HAProxy did not listen on " + port + "; see " + directory.resolve("haproxy.log"));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
