package io.github.quiesce.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * A server whose port is taken before it binds it must start on another, not pass off whatever answers
 * there as itself. CI once restored a copy onto a "target" that was really the source of the same
 * MariaDB version: its own mariadbd had exited on the taken port, the source answered the readiness
 * check, and replication then met its own server id.
 */
class TakenPortIT {

    private static final ServerDistribution D = ServerDistribution.MARIADB_11_4_5;

    @Test
    void aPortWhereAnotherServerOfTheSameVersionAnswersIsLeftToThatServer() throws Exception {
        try (EmbeddedServer holder = EmbeddedServer.start(D);
                EmbeddedServer started =
                        EmbeddedServer.start(D, ServerConfig.defaults().withServerId(7), firstThen(holder.port()))) {
            assertThat(started.port()).isNotEqualTo(holder.port());
            assertThat(ServerChecks.scalar(started, "SELECT @@GLOBAL.server_id"))
                    .isEqualTo("7");
            assertThat(Files.isSameFile(
                            Path.of(ServerChecks.scalar(started, "SELECT @@GLOBAL.datadir")),
                            started.runDirectory().resolve("data")))
                    .isTrue();
            assertThat(ServerChecks.scalar(holder, "SELECT @@GLOBAL.server_id")).isEqualTo("1");
        }
    }

    @Test
    void aPortHeldByAListenerThatIsNoServerIsLeftToIt() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                EmbeddedServer started =
                        EmbeddedServer.start(D, ServerConfig.defaults(), firstThen(listener.getLocalPort()))) {
            assertThat(started.port()).isNotEqualTo(listener.getLocalPort());
            assertThat(started.isRunning()).isTrue();
            assertThat(ServerChecks.scalar(started, "SELECT @@GLOBAL.server_id"))
                    .isEqualTo("1");
        }
    }

    /** {@code taken} first, then free ports. */
    private static IntSupplier firstThen(int taken) {
        AtomicInteger calls = new AtomicInteger();
        return () -> calls.getAndIncrement() == 0 ? taken : Loopback.freePort();
    }
}
