package io.github.quiesce.tablelocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.CoordinatesUnavailableException;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.LongQueryGuard;
import io.github.quiesce.MissingPrivilegeException;
import io.github.quiesce.testkit.CloudAccounts;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.Writers;
import io.github.quiesce.testkit.contract.LockStrategyContract;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What {@code table-locks} owes on a real server beyond {@link LockStrategyContract}: writers wait and readers
 * do not, what the server's lock tables say is held, the cloud master user's grants suffice (and which of them
 * are needed), lock statements spread over several connections all held at once, a table that slips in is
 * refused (and, with the check off, does break the point), long write transactions are waited for.
 */
abstract class TableLocksContract extends LockStrategyContract {

    /** What the strategy itself needs: REPLICATION CLIENT is spelled BINLOG MONITOR on MariaDB 10.5+, and means the same there. */
    static final String[] LEAST_GRANTS = {"LOCK TABLES", "SELECT", "REPLICATION CLIENT"};

    @Override
    protected String strategyName() {
        return TableLocksStrategy.NAME;
    }

    /** Each session locks every table of a shared server, which grows with the tests; fewer than the contract's 50 keep it brisk. */
    @Override
    protected int snapshotSessions() {
        return 30;
    }

    private String table(String prefix) {
        String table = uniqueTable(prefix);
        Writers.createTable(server, SCHEMA, table);
        return table;
    }

    @Test
    void writersOfEveryTableWaitWhileReadersDoNot() throws Exception {
        String table = table("blocked");
        CompletableFuture<Long> insert;
        try (BackupSession s = BackupSession.open(server.dataSource(), options().build())) {
            insert = ServerChecks.runAsync(
                    server, "INSERT INTO " + SCHEMA + "." + table + " (writer, seq) VALUES (1, 1)");
            Thread.sleep(500);
            assertThat(insert).as("an insert must wait while the point is held").isNotDone();
            assertThat(ServerChecks.count(
                            server,
                            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE STATE LIKE"
                                    + " 'Waiting for table metadata lock%' AND INFO LIKE 'INSERT INTO " + SCHEMA + "."
                                    + table + "%'"))
                    .as("the insert waits for the table's metadata lock")
                    .isEqualTo(1);
            assertThat(ServerChecks.completesWithin(server, "SELECT COUNT(*) FROM " + SCHEMA + "." + table, 2_000))
                    .as("a reader of the same table does not wait")
                    .isTrue();
            if (!distribution().isMariaDb()) {
                assertThat(ServerChecks.count(
                                server,
                                "SELECT COUNT(*) FROM performance_schema.metadata_locks m"
                                        + " JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID WHERE m.OBJECT_TYPE = 'TABLE'"
                                        + " AND m.OBJECT_SCHEMA = '" + SCHEMA + "' AND m.OBJECT_NAME = '" + table
                                        + "' AND m.LOCK_TYPE = 'SHARED_READ_ONLY'"
                                        + " AND m.LOCK_STATUS = 'GRANTED' AND t.PROCESSLIST_ID = "
                                        + s.lockConnectionId()))
                        .as("the session's connection holds SHARED_READ_ONLY on the table")
                        .isEqualTo(1);
                assertThat(ServerChecks.backupLocksHeld(server))
                        .as("no global read, commit or backup lock (the waiting insert holds intention locks)")
                        .isZero();
            }
        }
        insert.get(10, TimeUnit.SECONDS);
        assertThat(ServerChecks.count(server, "SELECT COUNT(*) FROM " + SCHEMA + "." + table))
                .isEqualTo(1);
    }

    @Test
    void theCloudMasterUsersGrantsAreEnoughAndTheThreeItNeedsAreEachNeeded() throws Exception {
        String user = "tl_cloud";
        String password = "Cloud_master_pw1";
        server.createUser(user, password, CloudAccounts.masterUserGrants());
        try {
            DataSource cloud = server.dataSource(user, password);
            List<Connection> snapshots;
            try (BackupSession s = BackupSession.open(cloud, options().build())) {
                snapshots = s.snapshotConnections(2);
                assertThat(s.coordinates().gtidSet()).isEqualTo(currentGtidSet().replaceAll("\\s+", ""));
            }
            for (Connection c : snapshots) {
                c.close();
            }
            server.createUser(user, password, LEAST_GRANTS);
            try (BackupSession s = BackupSession.open(cloud, options().build())) {
                s.coordinates();
            }
            for (String missing : LEAST_GRANTS) {
                server.createUser(
                        user,
                        password,
                        Arrays.stream(LEAST_GRANTS)
                                .filter(g -> !g.equals(missing))
                                .toArray(String[]::new));
                String named =
                        distribution().isMariaDb() && missing.equals("REPLICATION CLIENT") ? "BINLOG MONITOR" : missing;
                assertThatThrownBy(() -> BackupSession.open(cloud, options().build()))
                        .as("without " + missing)
                        .isInstanceOf(MissingPrivilegeException.class)
                        .hasMessageContaining(named)
                        .hasMessageContaining("Nothing was locked");
            }
        } finally {
            server.execute("DROP USER IF EXISTS '" + user + "'@'%'");
        }
    }

    @Test
    void moreTablesThanOneStatementTakesAreLockedOverSeveralConnectionsAllHeldAtOnce() throws Exception {
        String schema = "quiesce_tl_batches";
        List<String> tables = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            tables.add(String.format("t_%02d", i));
        }
        server.execute("CREATE DATABASE IF NOT EXISTS " + schema);
        for (String t : tables) {
            server.execute("CREATE TABLE IF NOT EXISTS " + schema + "." + t
                    + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, writer INT NOT NULL,"
                    + " seq BIGINT NOT NULL) ENGINE=InnoDB");
        }
        long maxBytes = 400;
        BackupOptions options =
                options().set(TableLocksStrategy.MAX_STATEMENT_BYTES, maxBytes).build();
        String other = table("batched");
        int statements;
        List<CompletableFuture<Long>> inserts = new ArrayList<>();
        List<String> heldIds;
        try (BackupSession s = BackupSession.open(server.dataSource(), options)) {
            statements = Statements.lockStatements(
                            TableSet.of(rootRows(Statements.LIST_TABLES), "").clauses(), maxBytes)
                    .size();
            assertThat(statements).as("the test needs several lock statements").isGreaterThanOrEqualTo(3);
            for (String t : List.of(tables.get(0), tables.get(tables.size() - 1))) {
                inserts.add(ServerChecks.runAsync(
                        server, "INSERT INTO " + schema + "." + t + " (writer, seq) VALUES (1, 1)"));
            }
            inserts.add(ServerChecks.runAsync(
                    server, "INSERT INTO " + SCHEMA + "." + other + " (writer, seq) VALUES (1, 1)"));
            Thread.sleep(500);
            assertThat(inserts)
                    .as("writers of the first, the last and another schema's table all wait")
                    .noneMatch(CompletableFuture::isDone);
            heldIds = rootColumn("SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> " + s.lockConnectionId()
                    + " AND INFO IS NULL AND COMMAND = 'Sleep' AND USER = 'root' AND DB IS NULL");
            if (!distribution().isMariaDb()) {
                assertThat(
                                ServerChecks.count(
                                        server,
                                        "SELECT COUNT(DISTINCT m.OWNER_THREAD_ID) FROM performance_schema.metadata_locks m"
                                                + " WHERE m.OBJECT_TYPE = 'TABLE' AND m.LOCK_TYPE = 'SHARED_READ_ONLY' AND m.LOCK_STATUS = 'GRANTED'"))
                        .as("connections holding table locks at once")
                        .isEqualTo(statements);
            }
            s.coordinates();
        }
        for (CompletableFuture<Long> insert : inserts) {
            insert.get(10, TimeUnit.SECONDS);
        }
        if (!distribution().isMariaDb()) {
            assertThat(ServerChecks.count(
                            server,
                            "SELECT COUNT(*) FROM performance_schema.metadata_locks WHERE OBJECT_TYPE = 'TABLE'"
                                    + " AND LOCK_TYPE = 'SHARED_READ_ONLY'"))
                    .as("table locks left after close")
                    .isZero();
        }
        assertThat(heldIds).hasSizeGreaterThanOrEqualTo(statements - 1);
        for (String id : heldIds) {
            assertThat(ServerChecks.count(
                            server, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + id))
                    .as("held connection " + id + " ended after close")
                    .isZero();
        }
    }

    @Test
    void aTableCreatedDuringTheCaptureIsRefused() throws Exception {
        String slipped = uniqueTable("slipped");
        BackupOptions options = options()
                .listener(createOnFirst(
                        "SHOW MASTER STATUS", "CREATE TABLE " + SCHEMA + "." + slipped + " (id INT PRIMARY KEY)"))
                .build();
        try (BackupSession s = BackupSession.open(server.dataSource(), options)) {
            assertThatThrownBy(() -> s.snapshotConnections(2))
                    .isInstanceOf(CoordinatesUnavailableException.class)
                    .hasMessageContaining(SCHEMA + "." + slipped)
                    .hasMessageContaining("Refused");
            assertThat(s.isOpen()).isFalse();
        }
        assertThat(ServerChecks.completesWithin(server, "INSERT INTO " + SCHEMA + "." + slipped + " VALUES (1)", 2_000))
                .as("nothing is locked after the refusal")
                .isTrue();
        server.execute("DROP TABLE " + SCHEMA + "." + slipped);
    }

    /** The control of the test above: without the check, the same session hands out a point the table breaks while it is held. */
    @Test
    void withTheCheckOffTheSlippedTableIsWrittenWhileThePointIsHeld() throws Exception {
        String slipped = uniqueTable("slipped_off");
        BackupOptions options = options()
                .set(TableLocksStrategy.CHECK_TABLE_SET, false)
                .listener(createOnFirst(
                        "SHOW MASTER STATUS", "CREATE TABLE " + SCHEMA + "." + slipped + " (id INT PRIMARY KEY)"))
                .build();
        try (BackupSession s = BackupSession.open(server.dataSource(), options)) {
            BinlogCoordinates c = s.coordinates();
            assertThat(ServerChecks.completesWithin(
                            server, "INSERT INTO " + SCHEMA + "." + slipped + " VALUES (1)", 2_000))
                    .as("a write to the slipped table is not blocked")
                    .isTrue();
            try (Connection other = server.connect();
                    Statement st = other.createStatement();
                    ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
                rs.next();
                assertThat(rs.getLong("Position"))
                        .as("while 'held', the log moved past " + c)
                        .isNotEqualTo(c.position());
            }
        }
        server.execute("DROP TABLE " + SCHEMA + "." + slipped);
    }

    @Test
    void aTableCreatedWhileLockingIsCaughtAndLockedByTheNextAttempt() throws Exception {
        String late = uniqueTable("late");
        BackupOptions options = options()
                .listener(createOnFirst(
                        Statements.LIST_TABLES, "CREATE TABLE " + SCHEMA + "." + late + " (id INT PRIMARY KEY)"))
                .build();
        CompletableFuture<Long> insert;
        try (BackupSession s = BackupSession.open(server.dataSource(), options)) {
            insert = ServerChecks.runAsync(server, "INSERT INTO " + SCHEMA + "." + late + " VALUES (1)");
            Thread.sleep(500);
            assertThat(insert)
                    .as("the table created while locking is locked too")
                    .isNotDone();
            s.coordinates();
        }
        insert.get(10, TimeUnit.SECONDS);
        server.execute("DROP TABLE " + SCHEMA + "." + late);
    }

    @Test
    void anIdleWriteTransactionIsWaitedForAndNeverLockedBehind() throws Exception {
        String held = table("trx_held");
        String busy = table("trx_busy");
        LongQueryGuard shortGuard =
                new LongQueryGuard(Duration.ofMillis(50), Duration.ofSeconds(1), LongQueryGuard.QueryType.ALL);
        try (Connection trx = server.connect();
                Statement st = trx.createStatement();
                Writers writers = Writers.running(server, SCHEMA, busy)) {
            trx.setAutoCommit(false);
            st.execute("INSERT INTO " + SCHEMA + "." + held + " (writer, seq) VALUES (9, 9)");
            long from = System.nanoTime();
            assertThatThrownBy(() -> BackupSession.open(
                            server.dataSource(),
                            options().longQueryGuard(shortGuard).build()))
                    .isInstanceOf(LockAcquisitionException.class)
                    .hasMessageContaining("transaction");
            double guarded = writers.worstLatencyMillis(from, System.nanoTime());
            from = System.nanoTime();
            assertThatThrownBy(() -> BackupSession.open(
                            server.dataSource(),
                            options()
                                    .longQueryGuard(LongQueryGuard.OFF)
                                    .acquireTimeout(Duration.ofMillis(300))
                                    .acquireRetries(1)
                                    .build()))
                    .isInstanceOf(LockAcquisitionException.class)
                    .hasMessageContaining("acquireTimeout=300 ms");
            double unguarded = writers.worstLatencyMillis(from, System.nanoTime());
            assertThat(guarded)
                    .as("with the guard nothing was locked, writers of another table never waited")
                    .isLessThan(250);
            assertThat(unguarded)
                    .as("without it, each attempt held writers at most the acquire timeout")
                    .isLessThan(900);
            trx.commit();
            try (BackupSession s =
                    BackupSession.open(server.dataSource(), options().build())) {
                s.coordinates();
            }
            assertThat(writers.errors()).isEmpty();
        }
    }

    @Test
    void aLongSelectOnATableNeitherDelaysTheLockNorIsWaitedFor() throws Exception {
        String table = table("long_select");
        try (Connection query = server.connect();
                Statement st = query.createStatement()) {
            long id = ServerChecks.connectionId(query);
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try {
                    st.execute("SELECT SLEEP(3) FROM " + SCHEMA + "." + table + " UNION ALL SELECT 1");
                } catch (SQLException e) {
                    // ended by the KILL QUERY below
                }
            });
            Thread.sleep(300);
            long start = System.nanoTime();
            try (BackupSession s =
                    BackupSession.open(server.dataSource(), options().build())) {
                s.coordinates();
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(millis)
                    .as("session while a 3 s SELECT runs on a locked table")
                    .isLessThan(1_500);
            server.execute("KILL QUERY " + id);
            running.get(10, TimeUnit.SECONDS);
        }
    }

    /** A listener that runs {@code statement} as root, once, right after the session first ran {@code trigger}. */
    private io.github.quiesce.BackupListener createOnFirst(String trigger, String statement) {
        AtomicBoolean done = new AtomicBoolean();
        return event -> {
            if (event instanceof BackupEvent.StatementExecuted e
                    && e.owner().equals(TableLocksStrategy.NAME)
                    && e.statement().equals(trigger)
                    && done.compareAndSet(false, true)) {
                server.execute(statement);
            }
        };
    }

    private List<Map<String, String>> rootRows(String query) throws SQLException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (Connection c = server.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                Map<String, String> row = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private List<String> rootColumn(String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = server.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
