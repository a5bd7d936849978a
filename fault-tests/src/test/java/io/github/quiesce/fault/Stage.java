package io.github.quiesce.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.readonly.ReadOnlyStrategy;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.Gtids;
import io.github.quiesce.testkit.ReplicaPair;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.Writers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One target ready for a fault: the server the session locks, the server the writers write to (the
 * source, for a replica), a fresh table, and the server's state before anything happened, so that
 * {@link #assertLeftAsFound()} can compare.
 */
final class Stage {

    static final String SCHEMA = "quiesce_fault";
    /** read-only's server-side guards (events named mysql.quiesce_guard_<boot>_<connection>). */
    static final String GUARDS =
            "SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_NAME LIKE 'quiesce\\_guard\\_%'";

    static final String GUARD_LAST_RUN =
            "SELECT MAX(LAST_EXECUTED) FROM information_schema.EVENTS WHERE EVENT_NAME LIKE 'quiesce\\_guard\\_%'";

    final Target target;
    final EmbeddedServer lockServer;
    final EmbeddedServer writeServer;
    final ReplicaPair pair;
    final Path journals;
    final String table;
    private final String writerUuid;
    private final long gtidBaseline;
    private final ServerState before;
    private final String ownTransactionsBefore;

    /** What must come back exactly as it was. */
    record ServerState(String readOnly, String superReadOnly, String ioThread, String sqlThread) {}

    private Stage(
            Target target, EmbeddedServer lockServer, EmbeddedServer writeServer, ReplicaPair pair, Path journals) {
        this.target = target;
        this.lockServer = lockServer;
        this.writeServer = writeServer;
        this.pair = pair;
        this.journals = journals;
        prepare(writeServer);
        this.table = Writers.newTable(writeServer, SCHEMA, "t");
        if (pair != null) {
            pair.awaitCaughtUp(Duration.ofSeconds(30));
        }
        this.writerUuid = target.mariaDb() ? null : ServerChecks.scalar(writeServer, "SELECT @@server_uuid");
        this.gtidBaseline = transactions(ServerChecks.scalar(
                writeServer, target.mariaDb() ? "SELECT @@GLOBAL.gtid_binlog_pos" : "SELECT @@GLOBAL.gtid_executed"));
        this.before = state();
        this.ownTransactionsBefore = ownTransactions();
    }

    static Stage of(Target target, Path journals) {
        if (target.replica) {
            ReplicaPair pair = Servers.pair(target.distribution);
            return new Stage(target, pair.replica(), pair.source(), pair, journals);
        }
        EmbeddedServer server = Servers.single(target.distribution);
        return new Stage(target, server, server, null, journals);
    }

    BackupOptions.Builder options() {
        BackupOptions.Builder b =
                BackupOptions.builder().strategy(target.strategy).journalDirectory(journals);
        // On a replica the fault must also find the SQL thread stopped by us and put it back.
        return target.replica ? b.set(ReadOnlyStrategy.STOP_REPLICA_SQL_THREAD, true) : b;
    }

    Writers startWriters() throws InterruptedException {
        return Writers.running(writeServer, SCHEMA, table);
    }

    ServerState state() {
        String readOnly = ServerChecks.scalar(lockServer, "SELECT @@GLOBAL.read_only");
        String superReadOnly =
                target.mariaDb() ? "n/a" : ServerChecks.scalar(lockServer, "SELECT @@GLOBAL.super_read_only");
        if (pair == null) {
            return new ServerState(readOnly, superReadOnly, "n/a", "n/a");
        }
        String io = ServerChecks.scalar(
                lockServer,
                target.mariaDb()
                        ? "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'SLAVE_RUNNING'"
                        : "SELECT SERVICE_STATE FROM performance_schema.replication_connection_status");
        return new ServerState(readOnly, superReadOnly, io, pair.sqlThreadRunning() ? "running" : "stopped");
    }

    /**
     * No global read lock, backup lock or backup stage left (a write and a DDL complete at once, and on
     * MySQL {@code performance_schema.metadata_locks} shows none), the settings and replica threads as
     * they were, and no journal left.
     */
    void assertLeftAsFound() {
        // Before this method's own probe writes, which the lock server logs as its own transactions.
        assertThat(ownTransactions())
                .as("transactions %s wrote itself (on a replica: errant GTIDs)", lockServer)
                .isEqualTo(ownTransactionsBefore);
        assertThat(guards())
                .as("server-side guard events left on %s", lockServer)
                .isZero();
        assertThat(ServerChecks.completesWithin(lockServer, "INSERT INTO " + SCHEMA + ".probe VALUES ()", 3_000))
                .as("a write on %s commits at once", lockServer)
                .isTrue();
        assertThat(ServerChecks.ddlRunsAtOnce(lockServer, SCHEMA))
                .as("a DDL on %s runs at once", lockServer)
                .isTrue();
        if (!target.mariaDb()) {
            assertThat(ServerChecks.backupLocksHeld(lockServer))
                    .as("global read lock, commit lock or backup lock left")
                    .isZero();
        }
        ServerState now = awaitState(before, Duration.ofSeconds(10));
        assertThat(now).as("read_only, super_read_only, replica threads").isEqualTo(before);
        assertThat(journalFiles()).as("journal cleaned").isEmpty();
    }

    /** read-only's server-side guard events on the lock server. */
    long guards() {
        return ServerChecks.count(lockServer, GUARDS);
    }

    /** When a guard last ran (whole seconds), or null. */
    String guardLastRun() {
        return ServerChecks.scalar(lockServer, GUARD_LAST_RUN);
    }

    /** read_only, super_read_only and the replica threads as they were, and no guard left. */
    boolean backAsFound() {
        return state().equals(before) && guards() == 0;
    }

    /** Waits, asking the server every 50 ms, until it is {@link #backAsFound()}; returns how long that took from {@code since}. */
    Duration awaitBackAsFound(long sinceNanos, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!backAsFound()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(lockServer + " not back as found within " + timeout + ": " + state()
                        + " (before: " + before + "), guards " + guards());
            }
            sleep(50);
        }
        return Duration.ofNanos(System.nanoTime() - sinceNanos);
    }

    /**
     * The lock server with {@code event_scheduler=OFF} until closed: where the server cannot run read-only's
     * guard, the journal and recover() are what is left (the path every server had before the guard).
     */
    Restore eventSchedulerOff() {
        lockServer.execute("SET GLOBAL event_scheduler = OFF");
        return () -> lockServer.execute("SET GLOBAL event_scheduler = ON");
    }

    /** Puts a setting back when closed. */
    interface Restore extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * What the lock server logged as its own transactions: on a replica anything but none is an errant
     * transaction (a GTID only it has), which breaks failover. MySQL: its server_uuid's GTIDs; MariaDB: its
     * server_id's entries in gtid_binlog_state. A server that takes the writers' load itself reports "n/a".
     */
    private String ownTransactions() {
        if (pair == null) {
            return "n/a";
        }
        if (target.mariaDb()) {
            String id = ServerChecks.scalar(lockServer, "SELECT @@GLOBAL.server_id");
            String state = ServerChecks.scalar(lockServer, "SELECT @@GLOBAL.gtid_binlog_state");
            return Stream.of(state == null ? new String[0] : state.split(","))
                    .map(String::trim)
                    .filter(g -> g.matches("\\d+-" + id + "-\\d+"))
                    .sorted()
                    .collect(Collectors.joining(","));
        }
        String uuid = ServerChecks.scalar(lockServer, "SELECT @@GLOBAL.server_uuid");
        return uuid + ":"
                + Gtids.count(
                        ServerChecks.scalar(lockServer, "SELECT @@GLOBAL.gtid_executed")
                                .replace("\n", ""),
                        uuid);
    }

    /** Replica threads restarted by the server after a restart come up asynchronously: give them a moment. */
    private ServerState awaitState(ServerState expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ServerState now = state();
        while (!now.equals(expected) && System.nanoTime() < deadline) {
            sleep(100);
            now = state();
        }
        return now;
    }

    /**
     * Every transaction a writer saw commit is in the table: none vanished, whatever the fault did. A
     * write that returned an error (each ends its writer) may or may not have committed: a server going
     * down can commit and lose the reply, so it may add at most one row.
     */
    void assertNoWriteLost(Writers writers) {
        long rows = ServerChecks.count(writeServer, "SELECT COUNT(*) FROM " + SCHEMA + "." + table);
        assertThat(rows)
                .as(
                        "rows in the table: the commits the writers saw succeed, plus at most the in-doubt ones (errors: %s)",
                        writers.errors())
                .isBetween(
                        writers.committed(),
                        writers.committed() + writers.errors().size());
        if (pair != null) {
            pair.awaitCaughtUp(Duration.ofSeconds(60));
            assertThat(ServerChecks.count(lockServer, "SELECT COUNT(*) FROM " + SCHEMA + "." + table))
                    .as("the replica caught up")
                    .isEqualTo(rows);
        }
    }

    /**
     * The session's point matches the data: the rows a snapshot at the point sees (on a replica: the
     * frozen replica's rows) equal the writers' transactions in the GTID set.
     */
    void assertConsistent(BackupSession session) throws SQLException {
        long rows;
        long expected;
        if (pair != null) {
            BinlogCoordinates c = session.coordinates();
            rows = ServerChecks.count(lockServer, "SELECT COUNT(*) FROM " + SCHEMA + "." + table);
            expected = transactions(c.replicaSource().orElseThrow().gtidSet()) - gtidBaseline;
        } else {
            List<Connection> snapshots = session.snapshotConnections(1);
            BinlogCoordinates c = session.coordinates();
            try (Connection snapshot = snapshots.get(0);
                    var st = snapshot.createStatement();
                    var rs = st.executeQuery("SELECT COUNT(*) FROM " + SCHEMA + "." + table)) {
                rs.next();
                rows = rs.getLong(1);
            }
            expected = transactions(c.gtidSet()) - gtidBaseline;
        }
        assertThat(rows)
                .as("rows at the point = the writers' transactions in its GTID set")
                .isEqualTo(expected);
    }

    private long transactions(String gtidSet) {
        return writerUuid == null ? Gtids.count(gtidSet) : Gtids.count(gtidSet, writerUuid);
    }

    List<Path> journalFiles() {
        if (!Files.isDirectory(journals)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(journals)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void prepare(EmbeddedServer server) {
        server.execute(
                "CREATE DATABASE IF NOT EXISTS " + SCHEMA,
                "CREATE TABLE IF NOT EXISTS " + SCHEMA + ".probe (id BIGINT AUTO_INCREMENT PRIMARY KEY)",
                "CREATE TABLE IF NOT EXISTS " + SCHEMA + ".conflict (id INT PRIMARY KEY)");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
