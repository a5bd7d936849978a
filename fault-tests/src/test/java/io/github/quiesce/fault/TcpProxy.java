package io.github.quiesce.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of a server that can stall the network: {@link #stallOpenConnections()} stops
 * forwarding on the connections open now (one flow stalls, new ones work), {@link #partition()} stalls
 * every connection, new ones included. The sockets stay open, so the server sees no disconnect, as
 * across a real network partition. {@link #close()} resets everything.
 */
final class TcpProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile boolean partitioned;
    private volatile boolean closed;

    /** One client connection and its server side; frozen links forward nothing more. */
    private static final class Link {
        final Socket client;
        final Socket server;
        volatile boolean frozen;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }
    }

    TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        start("proxy-accept", this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    void stallOpenConnections() {
        links.forEach(l -> l.frozen = true);
    }

    void partition() {
        partitioned = true;
        stallOpenConnections();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                if (partitioned) {
                    // Accepted by the kernel, never answered: a handshake that hangs.
                    links.add(new Link(client, new Socket()));
                    continue;
                }
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
                Link link = new Link(client, server);
                links.add(link);
                start("proxy-up", () -> pump(link, client, server));
                start("proxy-down", () -> pump(link, server, client));
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("proxy accept failed", e);
                }
            }
        }
    }

    /**
     * Forwards until either side ends; the sockets are closed then only if the link is not frozen. Not
     * with try-with-resources: closing a socket's stream closes the socket, and a client that closes its
     * end during a partition must not reach the server (a partition carries no FIN either).
     */
    private void pump(Link link, Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (!closed) {
                if (link.frozen) {
                    Thread.sleep(20);
                    continue;
                }
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                while (link.frozen && !closed) {
                    Thread.sleep(20);
                }
                if (closed) {
                    break;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // The other side or close() ended the link.
        } finally {
            if (!link.frozen) {
                closeQuietly(link.client);
                closeQuietly(link.server);
            }
        }
    }

    private void start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        closeQuietly(listener);
        for (Link l : links) {
            closeQuietly(l.client);
            closeQuietly(l.server);
        }
        for (Thread t : threads) {
            t.join(5_000);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing
        }
    }
}
