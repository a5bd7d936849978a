package io.github.quiesce.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.LongQueryGuard;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.Gtids;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.Writers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code BackupOptions.prepareSnapshots(n)}: the snapshot connections are connected before the lock is
 * requested (counted in the server's processlist at that moment), still see exactly the coordinates'
 * data, and none is left open by a session that did not use them or that failed to lock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreparedSnapshotsIT {

    private static final String USER = "quiesce_prepared";
    private static final String PASSWORD = "prepared_pw1";
    private static final String SCHEMA = "prepared";
    private static final String TABLE = "w";
    private static final int N = 8;

    private EmbeddedServer mysql;
    private EmbeddedServer mariaDb;

    @BeforeAll
    void start() {
        mysql = EmbeddedServer.start(ServerDistribution.MYSQL_8_0_15);
        mariaDb = EmbeddedServer.start(ServerDistribution.MARIADB_11_4_5);
        for (EmbeddedServer s : List.of(mysql, mariaDb)) {
            s.execute(
                    "CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                    "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%'");
            Writers.createTable(s, SCHEMA, TABLE);
        }
    }

    @AfterAll
    void stop() {
        mysql.close();
        mariaDb.close();
    }

    private EmbeddedServer server(String flavor) {
        return flavor.equals("mysql") ? mysql : mariaDb;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"mysql, ftwrl", "mysql, auto", "mariadb, ftwrl", "mariadb, auto"})
    void theWorkersAreConnectedBeforeTheLockAndSeeExactlyThePoint(String flavor, String strategy) throws Exception {
        EmbeddedServer server = server(flavor);
        AtomicLong connectedAtLockRequest = new AtomicLong(-1);
        BackupOptions options = BackupOptions.builder()
                .strategy(strategy)
                .prepareSnapshots(N)
                .listener(e -> {
                    if (e instanceof BackupEvent.LockRequested) {
                        connectedAtLockRequest.set(sessionsOfUser(server));
                    }
                })
                .build();
        // Read while nothing writes: one row per writer transaction from here on.
        String baseline = Gtids.executed(server);
        long baseRows = ServerChecks.count(server, "SELECT COUNT(*) FROM " + SCHEMA + "." + TABLE);
        try (Writers writers = Writers.start(server, SCHEMA, TABLE, 4, Long.MAX_VALUE)) {
            writers.awaitCommitted(50, 30_000);
            List<Connection> snapshots;
            BinlogCoordinates c;
            try (BackupSession s = BackupSession.open(server.dataSource(USER, PASSWORD), options)) {
                snapshots = s.snapshotConnections(N);
                c = s.coordinates();
            }
            try {
                assertThat(connectedAtLockRequest.get())
                        .as("the lock connection and %d workers, connected when the lock was requested", N)
                        .isEqualTo(1 + N);
                long expected = baseRows + Gtids.count(c.gtidSet()) - Gtids.count(baseline == null ? "" : baseline);
                for (Connection snapshot : snapshots) {
                    assertThat(rows(snapshot))
                            .as("rows a worker sees = transactions in %s", c.gtidSet())
                            .isEqualTo(expected);
                }
            } finally {
                closeAll(snapshots);
            }
        }
        assertThat(sessionsOfUser(server)).as("nothing left open").isZero();
    }

    @Test
    void fewerOrMoreThanPreparedAndNoneAtAllLeaveNothingOpen() throws Exception {
        DataSource ds = mysql.dataSource(USER, PASSWORD);
        BackupOptions options =
                BackupOptions.builder().strategy("ftwrl").prepareSnapshots(6).build();
        try (BackupSession s = BackupSession.open(ds, options)) {
            assertThat(sessionsOfUser(mysql)).isEqualTo(7);
            s.coordinates();
        }
        assertThat(sessionsOfUser(mysql))
                .as("prepared but never asked for: closed with the session")
                .isZero();

        List<Connection> fewer;
        try (BackupSession s = BackupSession.open(ds, options)) {
            fewer = s.snapshotConnections(3);
            assertThat(sessionsOfUser(mysql))
                    .as("the lock connection and the 3 handed over")
                    .isEqualTo(4);
        }
        assertThat(fewer).hasSize(3);
        closeAll(fewer);

        List<Connection> more;
        try (BackupSession s = BackupSession.open(ds, options)) {
            more = s.snapshotConnections(10);
        }
        assertThat(more).hasSize(10);
        assertThat(sessionsOfUser(mysql)).isEqualTo(10);
        closeAll(more);
        assertThat(sessionsOfUser(mysql)).isZero();
    }

    @Test
    void aSessionThatCannotLockClosesThePreparedWorkersToo() throws Exception {
        try (Connection holder = mysql.connect();
                Statement st = holder.createStatement()) {
            st.execute("LOCK TABLES " + SCHEMA + "." + TABLE + " WRITE");
            BackupOptions options = BackupOptions.builder()
                    .strategy("ftwrl")
                    .prepareSnapshots(5)
                    .acquireTimeout(Duration.ofMillis(200))
                    .acquireRetries(0)
                    .longQueryGuard(LongQueryGuard.OFF)
                    .build();
            Throwable failed = catchThrowable(() -> BackupSession.open(mysql.dataSource(USER, PASSWORD), options));
            assertThat(failed).isInstanceOf(LockAcquisitionException.class);
            assertThat(sessionsOfUser(mysql)).isZero();
            st.execute("UNLOCK TABLES");
        }
    }

    private static long sessionsOfUser(EmbeddedServer server) {
        return ServerChecks.count(
                server, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + USER + "'");
    }

    private static long rows(Connection snapshot) throws Exception {
        try (Statement st = snapshot.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + SCHEMA + "." + TABLE)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void closeAll(List<Connection> connections) throws Exception {
        for (Connection c : new ArrayList<>(connections)) {
            c.close();
        }
    }
}
