package io.github.quiesce.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.mysql.cj.jdbc.MysqlDataSource;
import io.github.quiesce.BackupException;
import io.github.quiesce.BackupSession;
import io.github.quiesce.LockLostException;
import io.github.quiesce.ReleaseException;
import io.github.quiesce.testkit.Writers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The network between quiesce and the server stalls while the lock is held (a TCP proxy that stops
 * forwarding but keeps the sockets open, so the server sees no disconnect). The driver's
 * {@code socketTimeout} ends the wait on our side; across a stall the server would keep the lock for
 * hours ({@code wait_timeout}), so quiesce kills the lost lock connection from a new one.
 */
class NetworkStallFaultIT {

    private static final int SOCKET_TIMEOUT_MS = 2_000;

    @TempDir
    Path journals;

    static Stream<Target> targets() {
        return Target.mainVersions();
    }

    private static DataSource through(TcpProxy proxy, Stage stage) {
        MysqlDataSource ds = new MysqlDataSource();
        ds.setURL(stage.lockServer.jdbcUrl().replace(":" + stage.lockServer.port() + "/", ":" + proxy.port() + "/")
                + "&socketTimeout=" + SOCKET_TIMEOUT_MS + "&connectTimeout=" + SOCKET_TIMEOUT_MS);
        ds.setUser("root");
        ds.setPassword("");
        return ds;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void aStalledLockConnectionIsKilledFromANewOneAndTheServerIsFreedAtOnce(Target target) throws Exception {
        Stage stage = Stage.of(target, journals);
        Threads threads = Threads.snapshot();
        try (Writers writers = stage.startWriters();
                TcpProxy proxy = new TcpProxy(stage.lockServer.port())) {
            BackupSession s =
                    BackupSession.open(through(proxy, stage), stage.options().build());
            s.coordinates();
            proxy.stallOpenConnections();

            long start = System.nanoTime();
            Throwable got = catchThrowable(s::close);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took)
                    .as("bounded by the driver's socketTimeout")
                    .isLessThan(Duration.ofMillis(3L * SOCKET_TIMEOUT_MS + 2_000));
            assertThat(got).isInstanceOf(LockLostException.class).hasMessageContaining("Discard this backup");
            assertThat(((BackupException) got).rolledBack())
                    .contains("KILL CONNECTION " + s.lockConnectionId() + " (lock connection " + s.lockConnectionId()
                            + " killed)");
            // Checked while the stalled socket is still open: the server was freed by the KILL, not by a disconnect.
            stage.assertLeftAsFound();
            writers.close();
            stage.assertNoWriteLost(writers);
            assertThat(writers.errors()).isEmpty();
        }
        threads.assertNoneLeft();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void aFullPartitionFailsWithinTheDriverTimeoutsAndNamesTheConnectionToKill(Target target) throws Exception {
        Stage stage = Stage.of(target, journals);
        Threads threads = Threads.snapshot();
        // Without read-only's server-side guard (event scheduler off): the journal's path. With it, see
        // ServerGuardFaultIT.
        try (Writers writers = stage.startWriters();
                Stage.Restore schedulerOff = target.replica ? stage.eventSchedulerOff() : null) {
            BackupException got;
            long lockConnection;
            Duration took;
            try (TcpProxy proxy = new TcpProxy(stage.lockServer.port())) {
                BackupSession s = BackupSession.open(
                        through(proxy, stage), stage.options().build());
                s.coordinates();
                lockConnection = s.lockConnectionId();
                proxy.partition();
                long start = System.nanoTime();
                got = (BackupException) catchThrowable(s::close);
                took = Duration.ofNanos(System.nanoTime() - start);
            } // the partition heals: the proxy resets every socket, and the server sees the disconnect
            assertThat(took)
                    .as("bounded by the driver's timeouts")
                    .isLessThan(Duration.ofMillis(4L * SOCKET_TIMEOUT_MS + 3_000));
            assertThat(got)
                    .isInstanceOf(ReleaseException.class)
                    .hasMessageContaining("could not be killed from a new connection either")
                    .hasMessageContaining("run KILL CONNECTION " + lockConnection);
            assertThat(got.notRolledBack()).contains("KILL CONNECTION " + lockConnection);
            if (target.replica) {
                assertThat(got.notRolledBack())
                        .as("read_only could not be restored either")
                        .contains("SET GLOBAL read_only = OFF");
                assertThat(stage.journalFiles()).as("kept for recover()").hasSize(1);
                assertThat(BackupSession.recover(
                                        stage.lockServer.dataSource(),
                                        stage.options().build())
                                .restored())
                        .isNotEmpty();
            }
            awaitDisconnectSeen(stage);
            stage.assertLeftAsFound();
            writers.close();
            stage.assertNoWriteLost(writers);
            assertThat(writers.errors()).isEmpty();
        }
        threads.assertNoneLeft();
    }

    /** The server notices the reset sockets within moments; until then its session still holds the lock. */
    private static void awaitDisconnectSeen(Stage stage) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline
                && io.github.quiesce.testkit.ServerChecks.count(
                                stage.lockServer,
                                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'root' AND COMMAND = 'Sleep' AND TIME > 1000")
                        > 0) {
            Stage.sleep(100);
        }
        Stage.sleep(500);
    }
}
