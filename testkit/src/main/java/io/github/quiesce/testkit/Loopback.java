package io.github.quiesce.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Ports for servers the tests start themselves, on loopback only. */
public final class Loopback {

    /** Enough tries to get past the handful of ports this JVM holds; the kernel picks them at random. */
    private static final int TRIES = 50;

    /**
     * Every port handed out in this JVM. The kernel's choice for port 0 is random, not unique, so servers
     * started at the same time could otherwise be given the same one.
     */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Loopback() {}

    /** A TCP port on 127.0.0.1 that nothing listened on a moment ago and this JVM has not handed out. */
    public static int freePort() {
        for (int i = 0; i < TRIES; i++) {
            int port = unusedPort();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("No loopback port this JVM has not handed out in " + TRIES + " tries");
    }

    private static int unusedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on loopback: " + e.getMessage(), e);
        }
    }
}
