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
import java.util.stream.Stream;

/**
 * One target ready for a fault: the server the session locks, the server the writers write to (the
 * source, for a replica), a fresh table, and the server's state before anything happened, so that
 * {@link #assertLeftAsFound()} can compare.
 */
final class Stage {

    static final String SCHEMA = "quiesce_fault";

    final Target target;
    final EmbeddedServer lockServer;
    final EmbeddedServer writeServer;
    final ReplicaPair pair;
    final Path journals;
    final String table;
    private final String writerUuid;
    private final long gtidBaseline;
    private final ServerState before;

    /** What must come back exactly as it was. */
    record ServerState(String readOnly, String superReadOnly, String ioThread, String sqlThread) {
    }

    private Stage(Target target, EmbeddedServer lockServer, EmbeddedServer writeServer, ReplicaPair pair, Path journals) {
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
        this.gtidBaseline = transactions(ServerChecks.scalar(writeServer,
                target.mariaDb() ? "SELECT @@GLOBAL.gtid_binlog_pos" : "SELECT @@GLOBAL.gtid_executed"));
        this.before = state();
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
        BackupOptions.Builder b = BackupOptions.builder().strategy(target.strategy).journalDirectory(journals);
        // On a replica the fault must also find the SQL thread stopped by us and put it back.
        return target.replica ? b.set(ReadOnlyStrategy.STOP_REPLICA_SQL_THREAD, true) : b;
    }

    Writers startWriters() throws InterruptedException {
        return Writers.running(writeServer, SCHEMA, table);
    }

    ServerState state() {
        String readOnly = ServerChecks.scalar(lockServer, "SELECT @@GLOBAL.read_only");
        String superReadOnly = target.mariaDb() ? "n/a" : ServerChecks.scalar(lockServer, "SELECT @@GLOBAL.super_read_only");
        if (pair == null) {
            return new ServerState(readOnly, superReadOnly, "n/a", "n/a");
        }
        String io = ServerChecks.scalar(lockServer, target.mariaDb()
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
        assertThat(ServerChecks.completesWithin(lockServer, "INSERT INTO " + SCHEMA + ".probe VALUES ()", 3_000))
                .as("a write on %s commits at once", lockServer).isTrue();
        assertThat(ServerChecks.completesWithin(lockServer, "CREATE TABLE IF NOT EXISTS " + SCHEMA + ".ddl_probe (id INT)", 3_000))
                .as("a DDL on %s runs at once", lockServer).isTrue();
        lockServer.execute("DROP TABLE " + SCHEMA + ".ddl_probe");
        if (!target.mariaDb()) {
            assertThat(ServerChecks.backupLocksHeld(lockServer)).as("global read lock, commit lock or backup lock left").isZero();
        }
        ServerState now = awaitState(before, Duration.ofSeconds(10));
        assertThat(now).as("read_only, super_read_only, replica threads").isEqualTo(before);
        assertThat(journalFiles()).as("journal cleaned").isEmpty();
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
        assertThat(rows).as("rows in the table: the commits the writers saw succeed, plus at most the in-doubt ones (errors: %s)",
                writers.errors()).isBetween(writers.committed(), writers.committed() + writers.errors().size());
        if (pair != null) {
            pair.awaitCaughtUp(Duration.ofSeconds(60));
            assertThat(ServerChecks.count(lockServer, "SELECT COUNT(*) FROM " + SCHEMA + "." + table)).as("the replica caught up").isEqualTo(rows);
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
            try (Connection snapshot = snapshots.get(0); var st = snapshot.createStatement();
                 var rs = st.executeQuery("SELECT COUNT(*) FROM " + SCHEMA + "." + table)) {
                rs.next();
                rows = rs.getLong(1);
            }
            expected = transactions(c.gtidSet()) - gtidBaseline;
        }
        assertThat(rows).as("rows at the point = the writers' transactions in its GTID set").isEqualTo(expected);
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
        server.execute("CREATE DATABASE IF NOT EXISTS " + SCHEMA,
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
