package io.github.quiesce.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.MissingPrivilegeException;
import io.github.quiesce.StrategyNotFoundException;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.EmbeddedServers;
import io.github.quiesce.testkit.Gtids;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerChecks.BinlogEvent;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.Writers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every lock strategy must do on a real server, whatever it locks: coordinates that match the
 * data and the binary log, snapshot connections that see exactly those coordinates, nothing left
 * locked after close, no leaked connection, typed errors before any lock.
 * A strategy module's IT extends this once per server it supports and names the strategy.
 *
 * <p>Runs on a server shared by the JVM ({@link EmbeddedServers}, or {@link #serverUnderTest()}); every test
 * leaves it as it found it. {@link #snapshotSessions()} and {@link #agreementSessions()} size the rounds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LockStrategyContract {

    protected static final String SCHEMA = "quiesce_it";

    private static final Logger LOG = LoggerFactory.getLogger(LockStrategyContract.class);

    protected EmbeddedServer server;

    /** The server to run on. */
    protected abstract ServerDistribution distribution();

    /** The strategy under test, by name. */
    protected abstract String strategyName();

    /**
     * The server to run on: by default the JVM's shared one of {@link #distribution()}. Override to run
     * on a server the subclass manages, e.g. the source of a replica pair that other tests use too.
     */
    protected EmbeddedServer serverUnderTest() {
        return EmbeddedServers.shared(distribution());
    }

    @BeforeAll
    void startServer() {
        server = serverUnderTest();
    }

    protected BackupOptions.Builder options() {
        return BackupOptions.builder().strategy(strategyName()).lockWaitTimeout(Duration.ofSeconds(10));
    }

    protected static String uniqueTable(String prefix) {
        return prefix + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    }

    /** Sessions in {@link #snapshotConnectionsSeeExactlyTheCoordinatesWhileWritersRun}. */
    protected int snapshotSessions() {
        return 50;
    }

    /** Sessions in {@link #coordinatesAlwaysAgreeWithTheBinaryLogWhileWritersRun}. */
    protected int agreementSessions() {
        return 20;
    }

    @Test
    void sessionsTakenWhileWritersRunAreConsistent() throws Exception {
        String table = uniqueTable("consistency");
        Writers.createTable(server, SCHEMA, table);
        String uuid = serverUuid();
        long baseline = Gtids.count(currentGtidSet());
        try (Writers writers = Writers.start(server, SCHEMA, table, 4, 1_000_000)) {
            for (int round = 0; round < 5; round++) {
                writers.awaitCommitted((round + 1) * 40L, 10_000);
                BinlogCoordinates c;
                Connection snapshot;
                try (BackupSession s =
                        BackupSession.open(server.dataSource(), options().build())) {
                    snapshot = s.snapshotConnections(1).get(0);
                    c = s.coordinates();
                }
                long rows;
                try (snapshot) {
                    rows = count(snapshot, table);
                }
                assertThat(rows)
                        .as("rows at the point vs transactions in %s (baseline %d)", c, baseline)
                        .isEqualTo(Gtids.count(c.gtidSet()) - baseline);
                long target = writers.committed() + 8;
                writers.awaitCommitted(target, 10_000);
                assertStartsTheNextTransaction(c, uuid);
            }
            assertThat(writers.errors()).isEmpty();
        }
    }

    @Test
    void snapshotConnectionsSeeExactlyTheCoordinatesWhileWritersRun() throws Exception {
        String table = uniqueTable("snapshots");
        Writers.createTable(server, SCHEMA, table);
        long baseline = Gtids.count(currentGtidSet());
        List<String> mismatches = new ArrayList<>();
        long checked = 0;
        try (Writers writers = Writers.start(server, SCHEMA, table, 4, 1_000_000)) {
            writers.awaitCommitted(20, 10_000);
            for (int i = 0; i < snapshotSessions(); i++) {
                List<Connection> snapshots;
                BinlogCoordinates c;
                try (BackupSession s =
                        BackupSession.open(server.dataSource(), options().build())) {
                    snapshots = s.snapshotConnections(3);
                    c = s.coordinates();
                }
                long expected = Gtids.count(c.gtidSet()) - baseline;
                for (Connection snapshot : snapshots) {
                    try (snapshot) {
                        long rows = count(snapshot, table);
                        checked++;
                        if (rows != expected) {
                            mismatches.add(
                                    "session " + i + ": " + rows + " rows, " + expected + " transactions in " + c);
                        }
                    }
                }
            }
            assertThat(writers.errors()).isEmpty();
        }
        LOG.info(
                "{} on {}: {} snapshot connections in {} sessions under 4 writers, {} mismatches",
                strategyName(),
                distribution(),
                checked,
                snapshotSessions(),
                mismatches.size());
        assertThat(mismatches)
                .as("snapshots whose rows differ from the GTID count of coordinates()")
                .isEmpty();
    }

    @Test
    void coordinatesAlwaysAgreeWithTheBinaryLogWhileWritersRun() throws Exception {
        String table = uniqueTable("agreement");
        Writers.createTable(server, SCHEMA, table);
        String uuid = serverUuid();
        List<BinlogCoordinates> taken = new ArrayList<>();
        try (Writers writers = Writers.start(server, SCHEMA, table, 4, 1_000_000)) {
            writers.awaitCommitted(20, 10_000);
            for (int i = 0; i < agreementSessions(); i++) {
                try (BackupSession s =
                        BackupSession.open(server.dataSource(), options().build())) {
                    taken.add(s.coordinates());
                }
            }
            writers.awaitCommitted(writers.committed() + 8, 10_000);
            assertThat(writers.errors()).isEmpty();
        }
        for (BinlogCoordinates c : taken) {
            assertStartsTheNextTransaction(c, uuid);
        }
        LOG.info(
                "{} on {}: {} sessions under 4 writers, 0 disagreements with the binary log",
                strategyName(),
                distribution(),
                taken.size());
    }

    private void assertStartsTheNextTransaction(BinlogCoordinates c, String uuid) {
        Optional<BinlogEvent> next = ServerChecks.eventAt(server, c.file(), c.position());
        assertThat(next).as("an event must start exactly at %s", c).isPresent();
        assertThat(next.get().type()).as("event at %s", c).isEqualTo("Gtid");
        assertThat(next.get().info())
                .as("the event at %s starts the first transaction not in the set", c)
                .contains(Gtids.next(c.gtidSet(), uuid));
    }

    private String serverUuid() {
        return distribution().isMariaDb() ? null : ServerChecks.scalar(server, "SELECT @@server_uuid");
    }

    protected static long count(Connection connection, String table) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + SCHEMA + "." + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void nothingIsLockedAndThePoolIsIdleAfterClose() {
        String table = uniqueTable("after_close");
        Writers.createTable(server, SCHEMA, table);
        try (HikariDataSource pool = server.pooledDataSource("root", "", 2)) {
            try (BackupSession s = BackupSession.open(pool, options().build())) {
                assertThat(s.strategy()).isEqualTo(strategyName());
                s.coordinates();
            }
            assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
        }
        assertThat(ServerChecks.completesWithin(
                        server, "INSERT INTO " + SCHEMA + "." + table + " (writer, seq) VALUES (0, 0)", 2_000))
                .as("a write right after close must not wait")
                .isTrue();
        if (!distribution().isMariaDb()) {
            assertThat(ServerChecks.globalMetadataLocks(server))
                    .as("global/backup metadata locks after close")
                    .isZero();
        }
    }

    @Test
    void unknownStrategyFailsBeforeConnectingAndListsWhatWasFound() {
        assertThatThrownBy(() -> BackupSession.open(
                        server.dataSource(),
                        BackupOptions.builder().strategy("no-such-lock").build()))
                .isInstanceOf(StrategyNotFoundException.class)
                .hasMessageContaining("no-such-lock")
                .hasMessageContaining(strategyName());
    }

    @Test
    void accountWithoutPrivilegesFailsBeforeAnyLockWithoutLeakingThePassword() {
        String user = "weak_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffL);
        String password =
                "Secret_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        server.createUser(user, password, "SELECT");
        try (HikariDataSource pool = server.pooledDataSource(user, password, 2)) {
            assertThatThrownBy(() -> BackupSession.open(pool, options().build()))
                    .isInstanceOf(MissingPrivilegeException.class)
                    .hasMessageContaining(user)
                    .hasMessageContaining("Nothing was locked")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(password));
            assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
        } finally {
            server.execute("DROP USER IF EXISTS '" + user + "'@'%'");
        }
        assertThat(ServerChecks.sessionsWaitingForLock(server)).isZero();
    }

    protected String currentGtidSet() {
        return ServerChecks.scalar(
                server,
                distribution().isMariaDb() ? "SELECT @@GLOBAL.gtid_binlog_pos" : "SELECT @@GLOBAL.gtid_executed");
    }
}
