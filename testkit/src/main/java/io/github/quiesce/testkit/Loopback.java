package io.github.quiesce.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for servers the tests start themselves, on loopback only. */
public final class Loopback {

    private Loopback() {}

    /** A TCP port on 127.0.0.1 that nothing listened on a moment ago. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on loopback: " + e.getMessage(), e);
        }
    }
}
