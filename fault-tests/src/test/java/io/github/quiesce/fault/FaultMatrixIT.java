package io.github.quiesce.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import io.github.quiesce.BackupException;
import io.github.quiesce.BackupSession;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.LockLostException;
import io.github.quiesce.Recovery;
import io.github.quiesce.UnrecoveredSessionException;
import io.github.quiesce.WatchdogExpiredException;
import io.github.quiesce.testkit.Writers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fault against every strategy on a real server, with four writers running. After each: nothing
 * locked, settings and replica threads as before, no journal left (or recovered), every write the
 * writers saw commit is in the table, the pool has no active connection, no thread is left behind,
 * and what the caller got says what happened.
 */
class FaultMatrixIT {

    enum Fault {
        CALLER_THROWS,
        LOCK_CONNECTION_KILLED,
        SERVER_RESTART,
        BACKUP_PROCESS_KILLED,
        LOCK_WAIT_TIMEOUT,
        WATCHDOG,
        TWO_SESSIONS
    }

    @TempDir
    Path journals;

    /**
     * {@code -Dquiesce.fault.only=5.7.22,10.2.11} keeps the targets whose name contains one of these, for a
     * quicker local run.
     */
    static Stream<Arguments> matrix() {
        List<String> only = List.of(System.getProperty("quiesce.fault.only", "").split(","));
        return Stream.of(Target.values())
                .filter(t -> only.stream().anyMatch(t.toString()::contains))
                .flatMap(t -> Stream.of(Fault.values()).map(f -> Arguments.of(t, f)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("matrix")
    void theServerComesBackAsItWasAndNoWriteIsLost(Target target, Fault fault) throws Exception {
        Stage stage = Stage.of(target, journals);
        Threads threads = Threads.snapshot();
        HikariDataSource pool = stage.lockServer.pooledDataSource("root", "", 4);
        try (Writers writers = stage.startWriters()) {
            switch (fault) {
                case CALLER_THROWS -> callerThrows(stage, pool);
                case LOCK_CONNECTION_KILLED -> lockConnectionKilled(stage, pool);
                case SERVER_RESTART -> serverRestarts(stage, pool);
                case BACKUP_PROCESS_KILLED -> backupProcessKilled(stage, pool);
                case LOCK_WAIT_TIMEOUT -> lockWaitTimeout(stage, pool);
                case WATCHDOG -> watchdog(stage, pool);
                case TWO_SESSIONS -> twoSessions(stage, pool);
            }
            writers.awaitCommitted(writers.committed() + 10, 10_000);
            writers.close();
            stage.assertNoWriteLost(writers);
            if (fault != Fault.SERVER_RESTART) {
                assertThat(writers.errors()).as("writers saw no error").isEmpty();
            }
        }
        stage.assertLeftAsFound();
        assertThat(pool.getHikariPoolMXBean().getActiveConnections())
                .as("pool connections still borrowed")
                .isZero();
        pool.close();
        threads.assertNoneLeft();
    }

    private void callerThrows(Stage stage, HikariDataSource pool) {
        Throwable got = catchThrowable(() -> {
            try (BackupSession s = BackupSession.open(pool, stage.options().build())) {
                s.coordinates();
                throw new IllegalStateException("copy failed");
            }
        });
        assertThat(got)
                .as("the caller's own exception, untouched by a clean release")
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("copy failed");
        assertThat(got.getSuppressed()).isEmpty();
    }

    private void lockConnectionKilled(Stage stage, HikariDataSource pool) {
        BackupSession s = BackupSession.open(pool, stage.options().build());
        s.coordinates();
        stage.lockServer.execute("KILL " + s.lockConnectionId());
        Throwable got = catchThrowable(s::close);
        assertThat(got)
                .isInstanceOf(LockLostException.class)
                .hasMessageContaining("was lost while the session was open")
                .hasMessageContaining("Discard this backup");
        assertThat(((BackupException) got).rolledBack())
                .anyMatch(step -> step.startsWith("KILL CONNECTION " + s.lockConnectionId()));
    }

    private void serverRestarts(Stage stage, HikariDataSource pool) {
        BackupSession s = BackupSession.open(pool, stage.options().build());
        s.coordinates();
        stage.lockServer.stop();
        stage.lockServer.start();
        Throwable got = catchThrowable(s::close);
        assertThat(got).isInstanceOf(LockLostException.class).hasMessageContaining("was lost");
        // Never "killed": after a restart the id may belong to someone else.
        assertThat(((BackupException) got).rolledBack())
                .anyMatch(step -> step.startsWith("KILL CONNECTION")
                        && (step.contains("server restarted") || step.contains("already gone")));
        if (stage.pair != null) {
            // The testkit's replica does not start replication by itself after a restart; a production one would.
            stage.lockServer.execute("START SLAVE");
        }
    }

    /**
     * With the event scheduler off, where read-only's server-side guard cannot run: the journal makes open()
     * refuse until recover(). The guard's own kill -9 case, the server back by itself, is in ServerGuardFaultIT.
     */
    private void backupProcessKilled(Stage stage, HikariDataSource pool) throws Exception {
        try (Stage.Restore schedulerOff = stage.target.replica ? stage.eventSchedulerOff() : null) {
            Process child = HoldSession.start(stage.lockServer.jdbcUrl(), stage.target.strategy, stage.journals);
            String childLog;
            try {
                childLog = HoldSession.awaitHeld(child);
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            } finally {
                child.destroyForcibly();
            }
            if (stage.target.replica) {
                assertThat(childLog)
                        .as("said at open that no guard can run")
                        .contains("no server-side guard", "event_scheduler is OFF");
                assertThat(stage.journalFiles())
                        .as("read_only outlives the process: the journal remains")
                        .hasSize(1);
                assertThat(catchThrowable(
                                () -> BackupSession.open(pool, stage.options().build())
                                        .close()))
                        .isInstanceOf(UnrecoveredSessionException.class)
                        .hasMessageContaining("recover");
                Recovery recovery = BackupSession.recover(pool, stage.options().build());
                assertThat(recovery.needed()).isTrue();
                assertThat(recovery.restored()).isNotEmpty();
            } else {
                assertThat(stage.journalFiles())
                        .as("a session lock needs no journal")
                        .isEmpty();
            }
        }
    }

    private void lockWaitTimeout(Stage stage, HikariDataSource pool) throws Exception {
        try (Connection holder = stage.lockServer.connect();
                Statement st = holder.createStatement()) {
            CompletableFuture<Long> pendingDdl = null;
            switch (stage.target.strategy) {
                    // A DDL waiting for a table's metadata lock holds the backup lock's intention: LOCK INSTANCE FOR
                    // BACKUP must wait.
                case "mysql-instance-lock" -> {
                    st.execute("BEGIN");
                    st.executeQuery("SELECT * FROM " + Stage.SCHEMA + ".conflict")
                            .close();
                    pendingDdl = io.github.quiesce.testkit.ServerChecks.runAsync(
                            stage.lockServer, "ALTER TABLE " + Stage.SCHEMA + ".conflict ENGINE=InnoDB");
                    Stage.sleep(300);
                }
                    // Only one connection may be inside BACKUP STAGE at a time.
                case "mariadb-backup-stage" -> st.execute("BACKUP STAGE START");
                default -> st.execute("LOCK TABLES " + Stage.SCHEMA + ".conflict WRITE");
            }
            long start = System.nanoTime();
            Throwable got = catchThrowable(() -> BackupSession.open(
                            pool,
                            stage.options()
                                    .lockWaitTimeout(Duration.ofSeconds(1))
                                    .acquireTimeout(Duration.ofSeconds(20))
                                    .build())
                    .close());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(got)
                    .isInstanceOf(LockAcquisitionException.class)
                    .hasMessageContaining("lock_wait_timeout=1s")
                    .hasMessageContaining("another session holds a conflicting lock");
            assertThat(((BackupException) got).vendorCode()).isEqualTo(1205);
            switch (stage.target.strategy) {
                case "mysql-instance-lock" -> st.execute("COMMIT");
                case "mariadb-backup-stage" -> st.execute("BACKUP STAGE END");
                default -> st.execute("UNLOCK TABLES");
            }
            if (pendingDdl != null) {
                pendingDdl.get(10, TimeUnit.SECONDS);
            }
        }
    }

    private void watchdog(Stage stage, HikariDataSource pool) {
        BackupSession s = BackupSession.open(
                pool, stage.options().maxLockHold(Duration.ofMillis(700)).build());
        var coordinates = s.coordinates();
        Stage.sleep(1_500);
        assertThat(s.coordinates()).as("the point read before stays readable").isEqualTo(coordinates);
        Throwable got = catchThrowable(s::close);
        assertThat(got).isInstanceOf(WatchdogExpiredException.class).hasMessageContaining("maxLockHold=PT0.7S");
        assertThat(((BackupException) got).rolledBack()).isNotEmpty();
        s.close();
    }

    /** Two sessions at once: each either holds a point that matches the data, or fails clearly; never a deadlock. */
    private void twoSessions(Stage stage, HikariDataSource pool) throws Exception {
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                outcomes.add(two.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    try (BackupSession s = BackupSession.open(
                            pool,
                            stage.options()
                                    .lockWaitTimeout(Duration.ofSeconds(5))
                                    .build())) {
                        stage.assertConsistent(s);
                        Stage.sleep(300);
                        return "held";
                    } catch (LockAcquisitionException e) {
                        assertThat(e.getMessage()).contains("lock");
                        return "refused: " + e.getMessage();
                    }
                }));
            }
            List<String> results = new ArrayList<>();
            for (Future<String> f : outcomes) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
            assertThat(results)
                    .as("at least one session holds a consistent point")
                    .contains("held");
        } finally {
            two.shutdownNow();
            assertThat(two.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
