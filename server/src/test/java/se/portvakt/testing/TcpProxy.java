package se.portvakt.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 between a server under test and a service it needs (PostgreSQL), which a test can cut and
 * restore: an outage of that service for one node only, without stopping the service that other tests share. Cut,
 * it closes every connection and stops listening, so new connections are refused as by a server that is down;
 * restored, it listens on the same port again. Frozen, it refuses nothing and passes nothing on, in either direction,
 * as a network path that drops packets or a host that hangs: connections are accepted and writes succeed, but no
 * answer comes; thawed, what was held back goes on, as TCP delivers it when the path is back. Each connection is a
 * pair of sockets, pumped by a thread each way.
 */
public final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listening;
    private final Object thawed = new Object();
    private boolean frozen;

    /** A proxy to {@code host:port}, open. */
    public TcpProxy(String host, int targetPort) {
        this.target = new InetSocketAddress(host, targetPort);
        this.listening = listen(0);
        this.port = listening.getLocalPort();
        accept(listening);
    }

    /** The port the proxy listens on (the same after a restore). */
    public int port() {
        return port;
    }

    /** Closes every connection and refuses new ones until {@link #restore}. */
    public synchronized void cut() {
        closeQuietly(listening);
        listening = null;
        sockets.forEach(TcpProxy::closeQuietly);
        sockets.clear();
    }

    /** Whether the proxy is cut (refusing connections). */
    public synchronized boolean isCut() {
        return listening == null;
    }

    /** Passes nothing on from now on, holding every connection open and accepting new ones, until {@link #thaw}. */
    public void freeze() {
        synchronized (thawed) {
            frozen = true;
        }
    }

    /** Whether the proxy is frozen (passing nothing on). */
    public boolean isFrozen() {
        synchronized (thawed) {
            return frozen;
        }
    }

    /** Passes on again what was held back and what comes next. */
    public void thaw() {
        synchronized (thawed) {
            frozen = false;
            thawed.notifyAll();
        }
    }

    /** Listens again on the same port. */
    public synchronized void restore() {
        if (listening == null) {
            listening = listen(port);
            accept(listening);
        }
    }

    @Override
    public void close() {
        thaw();
        cut();
    }

    private static ServerSocket listen(int port) {
        try {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("the proxy cannot listen on port " + port, e);
        }
    }

    private void accept(ServerSocket server) {
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket();
                    try {
                        upstream.connect(target, 5_000);
                    } catch (IOException unreachable) {
                        closeQuietly(client);
                        closeQuietly(upstream);
                        continue;
                    }
                    sockets.add(client);
                    sockets.add(upstream);
                    if (server.isClosed()) {
                        // Cut while this one was being connected.
                        closeQuietly(client);
                        closeQuietly(upstream);
                        return;
                    }
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException closed) {
                    return;
                }
            }
        }, "tcp-proxy-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void pump(Socket from, Socket to) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    awaitThaw();
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException cut) {
                // One side closed or was cut: the pair ends.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "tcp-proxy-pump-" + port);
        pump.setDaemon(true);
        pump.start();
    }

    private void awaitThaw() throws InterruptedException {
        synchronized (thawed) {
            while (frozen) {
                thawed.wait();
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Closing what is already closed or broken.
        }
    }
}
