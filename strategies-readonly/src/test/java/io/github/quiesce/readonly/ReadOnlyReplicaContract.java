package io.github.quiesce.readonly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.quiesce.BackupException;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.Flavor;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.Privileges;
import io.github.quiesce.ReplicaSource;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.ServerVersion;
import io.github.quiesce.UnsupportedServerException;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.Gtids;
import io.github.quiesce.testkit.ReplicaPair;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.Writers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The read-only strategy on a real source/replica pair: the replica stops applying while the source runs
 * on, the source coordinates match what the replica applied, and every global setting comes back as it
 * was, after a clean close and after each kind of failure, and after the backup process is killed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReadOnlyReplicaContract {

    static final String SCHEMA = "quiesce_ro";

    private ReplicaPair pair;

    @TempDir
    Path journals;

    protected abstract ServerDistribution distribution();

    @BeforeAll
    void startPair() {
        pair = ReplicaPair.start(distribution());
        pair.source().execute("CREATE DATABASE IF NOT EXISTS " + SCHEMA);
        pair.awaitCaughtUp(Duration.ofSeconds(30));
    }

    @AfterAll
    void stopPair() {
        if (pair != null) {
            pair.close();
        }
    }

    EmbeddedServer source() {
        return pair.source();
    }

    EmbeddedServer replica() {
        return pair.replica();
    }

    boolean mariaDb() {
        return distribution().isMariaDb();
    }

    BackupOptions.Builder readOnly() {
        return BackupOptions.builder().strategy(ReadOnlyStrategy.NAME).journalDirectory(journals);
    }

    private String table(String prefix) {
        String t = Writers.newTable(source(), SCHEMA, prefix);
        pair.awaitCaughtUp(Duration.ofSeconds(30));
        return t;
    }

    @Test
    void theReplicaStopsApplyingWhileHeldTheSourceRunsOnAndTheReplicaCatchesUpAfter() throws Exception {
        String table = table("apply");
        try (Writers writers = Writers.running(source(), SCHEMA, table)) {
            long sourceBefore;
            long replicaHeld;
            try (BackupSession s =
                    BackupSession.open(replica().dataSource(), readOnly().build())) {
                s.coordinates();
                replicaHeld = rows(replica(), table);
                sourceBefore = writers.committed();
                Thread.sleep(700);
                assertThat(rows(replica(), table))
                        .as("the replica applies nothing while held")
                        .isEqualTo(replicaHeld);
                assertThat(writers.committed())
                        .as("the source keeps taking writes")
                        .isGreaterThan(sourceBefore + 20);
                assertThat(writers.errors()).isEmpty();
            }
            writers.close();
            pair.awaitCaughtUp(Duration.ofSeconds(30));
            assertThat(rows(replica(), table))
                    .as("caught up after close")
                    .isEqualTo(rows(source(), table))
                    .isGreaterThan(replicaHeld);
        }
        assertState(false, false);
    }

    @Test
    void sourceCoordinatesPointExactlyAtTheSourceTransactionTheReplicaAppliedLast() throws Exception {
        String table = table("coords");
        long baseline = gtidCount(ServerChecks.scalar(
                source(), mariaDb() ? "SELECT @@GLOBAL.gtid_binlog_pos" : "SELECT @@GLOBAL.gtid_executed"));
        try (Writers writers = Writers.running(source(), SCHEMA, table)) {
            for (int i = 0; i < 5; i++) {
                ReplicaSource src;
                long applied;
                try (BackupSession s =
                        BackupSession.open(replica().dataSource(), readOnly().build())) {
                    BinlogCoordinates c = s.coordinates();
                    src = c.replicaSource().orElseThrow();
                    applied = rows(replica(), table);
                }
                assertThat(src.port()).isEqualTo(source().port());
                assertThat(gtidCount(src.gtidSet()) - baseline)
                        .as("rows on the replica = source transactions in its GTID set")
                        .isEqualTo(applied);
                ServerChecks.eventAt(source(), src.logFile(), src.logPosition()).ifPresent(e -> assertThat(e.type())
                        .as("the source position is a transaction boundary: " + e)
                        .startsWith("Gtid"));
                assertThat(src.changeSourceStatement()).contains(src.logFile(), String.valueOf(src.logPosition()));
                assertThat(src.changeSourceByGtidStatement()).contains(mariaDb() ? "gtid_slave_pos" : "gtid_purged");
                Thread.sleep(100);
            }
            assertThat(writers.errors()).isEmpty();
        }
    }

    /** GTIDs of the source's own server in a set: MySQL counts intervals of the source's UUID; MariaDB takes domain 0's sequence. */
    private long gtidCount(String set) {
        String s = set.replace("\n", "");
        if (mariaDb()) {
            return Stream.of(s.split(","))
                    .map(String::trim)
                    .filter(g -> g.startsWith("0-1-"))
                    .mapToLong(g -> Long.parseLong(g.substring(4)))
                    .max()
                    .orElse(0);
        }
        return Gtids.count(s, ServerChecks.scalar(source(), "SELECT @@GLOBAL.server_uuid"));
    }

    enum Ending {
        CLOSE,
        CALLER_THROWS,
        LOCK_CONNECTION_KILLED,
        LOCK_WAIT_TIMEOUT
    }

    Stream<Arguments> restoreMatrix() {
        List<boolean[]> initial = mariaDb()
                ? List.of(new boolean[] {false, false}, new boolean[] {true, false})
                : List.of(new boolean[] {false, false}, new boolean[] {true, false}, new boolean[] {true, true});
        return initial.stream().flatMap(st -> Stream.of(Ending.values()).map(e -> Arguments.of(st[0], st[1], e)));
    }

    @ParameterizedTest(name = "read_only={0}, super_read_only={1}, {2}")
    @MethodSource("restoreMatrix")
    void readOnlyAndSuperReadOnlyComeBackAsTheyWere(boolean readOnly, boolean superReadOnly, Ending ending)
            throws Exception {
        setState(readOnly, superReadOnly);
        try {
            switch (ending) {
                case CLOSE -> {
                    try (BackupSession s = BackupSession.open(
                            replica().dataSource(), readOnly().build())) {
                        s.coordinates();
                        assertThat(ServerChecks.scalar(replica(), "SELECT @@GLOBAL.read_only"))
                                .as("held")
                                .isEqualTo("1");
                    }
                }
                case CALLER_THROWS -> assertThatThrownBy(() -> {
                            try (BackupSession s = BackupSession.open(
                                    replica().dataSource(), readOnly().build())) {
                                s.coordinates();
                                throw new IllegalStateException("copy failed");
                            }
                        })
                        .hasMessage("copy failed");
                case LOCK_CONNECTION_KILLED -> {
                    BackupSession s = BackupSession.open(
                            replica().dataSource(), readOnly().build());
                    s.coordinates();
                    replica().execute("KILL " + s.lockConnectionId());
                    try {
                        s.close();
                    } catch (BackupException expected) {
                        // the release said what it redid on a new connection
                    }
                }
                case LOCK_WAIT_TIMEOUT -> {
                    String t = table("locked");
                    // WRITE conflicts with FTWRL everywhere; under super_read_only only READ may be taken, which
                    // MySQL's FTWRL also waits for.
                    String mode = superReadOnly ? " READ" : " WRITE";
                    try (Connection holder = replica().connect();
                            Statement st = holder.createStatement()) {
                        st.execute("LOCK TABLES " + SCHEMA + "." + t + mode);
                        BackupOptions options = readOnly()
                                .lockWaitTimeout(Duration.ofSeconds(1))
                                .acquireTimeout(Duration.ofSeconds(5))
                                .build();
                        assertThatThrownBy(() -> BackupSession.open(replica().dataSource(), options)
                                        .close())
                                .isInstanceOf(LockAcquisitionException.class);
                        st.execute("UNLOCK TABLES");
                    }
                }
            }
            assertState(readOnly, superReadOnly);
            assertThat(journalFiles()).as("journal cleaned").isEmpty();
            assertThat(guards()).as("no server-side guard left").isZero();
        } finally {
            setState(false, false);
        }
    }

    @Test
    void stopReplicaSqlThreadPutsTheThreadBackExactlyAsItWas() throws Exception {
        BackupOptions options =
                readOnly().set(ReadOnlyStrategy.STOP_REPLICA_SQL_THREAD, true).build();
        try (BackupSession s = BackupSession.open(replica().dataSource(), options)) {
            s.coordinates();
            assertThat(pair.sqlThreadRunning()).as("stopped while held").isFalse();
        }
        assertThat(pair.sqlThreadRunning()).as("running stays running").isTrue();

        replica().execute("STOP SLAVE SQL_THREAD");
        try {
            try (BackupSession s = BackupSession.open(replica().dataSource(), options)) {
                s.coordinates();
            }
            assertThat(pair.sqlThreadRunning()).as("stopped stays stopped").isFalse();
        } finally {
            replica().execute("START SLAVE SQL_THREAD");
        }
        assertState(false, false);
    }

    @Test
    void autoNeverPicksItEvenWhenItIsTheOnlyStrategyOnTheClasspath() {
        assertThatThrownBy(() -> BackupSession.open(
                        replica().dataSource(),
                        BackupOptions.builder().journalDirectory(journals).build()))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining(ReadOnlyStrategy.NAME);
        assertState(false, false);
    }

    @Test
    void onASourceItRefusesBeforeChangingAnythingUnlessAllowed() {
        assertThatThrownBy(() ->
                        BackupSession.open(source().dataSource(), readOnly().build()))
                .isInstanceOf(UnsupportedServerException.class)
                .hasMessageContaining("not a replica")
                .hasMessageContaining("ALLOW_ON_SOURCE");
        assertThat(ServerChecks.scalar(source(), "SELECT @@GLOBAL.read_only")).isEqualTo("0");
        try (BackupSession s = BackupSession.open(
                source().dataSource(),
                readOnly().set(ReadOnlyStrategy.ALLOW_ON_SOURCE, true).build())) {
            assertThat(s.coordinates().replicaSource()).isEmpty();
            assertThat(ServerChecks.completesWithin(source(), "CREATE DATABASE IF NOT EXISTS quiesce_ro_blocked", 300))
                    .isFalse();
        }
        assertThat(ServerChecks.scalar(source(), "SELECT @@GLOBAL.read_only")).isEqualTo("0");
    }

    /** Where the server-side guard cannot run (here: the event scheduler off), the journal is what is left. */
    @Test
    void aBackupProcessKilledWhileHoldingLeavesAJournalThatOpenRefusesAndRecoverRestores() throws Exception {
        withEventScheduler(false, this::killedWithoutGuard);
    }

    private void killedWithoutGuard() throws Exception {
        Process child = HoldReadOnly.start(replica(), journals);
        try {
            HoldReadOnly.awaitHeld(child);
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } finally {
            child.destroyForcibly();
        }
        assertThat(ServerChecks.scalar(replica(), "SELECT @@GLOBAL.read_only"))
                .as("a killed process leaves read_only on")
                .isEqualTo("1");
        assertThat(journalFiles()).hasSize(1);

        assertThatThrownBy(() ->
                        BackupSession.open(replica().dataSource(), readOnly().build()))
                .isInstanceOf(io.github.quiesce.UnrecoveredSessionException.class)
                .hasMessageContaining("recover");
        var recovery = BackupSession.recover(replica().dataSource(), readOnly().build());
        assertThat(recovery.restored()).contains(ReadOnlyStrategy.READ_ONLY_OFF);
        assertState(false, false);
        assertThat(journalFiles()).isEmpty();
        try (BackupSession s =
                BackupSession.open(replica().dataSource(), readOnly().build())) {
            s.coordinates();
        }
        assertThat(BackupSession.recover(replica().dataSource(), readOnly().build())
                        .needed())
                .isFalse();
        pair.awaitCaughtUp(Duration.ofSeconds(30));
    }

    /**
     * The guard's body on the real server, with what a session would have left: a guard made before the
     * server's last boot (as after a restart) drops itself and changes nothing; one made since heals,
     * but never switches super_read_only off. No GTID of the replica's own comes of any of it.
     */
    @Test
    void theGuardHealsOnlyWhatIsStillTheSessionsAndNothingAfterARestart() throws Exception {
        withEventScheduler(true, () -> {
            ServerInfo server = new ServerInfo(
                    mariaDb() ? Flavor.MARIADB : Flavor.MYSQL,
                    ServerVersion.parse(distribution().version()),
                    distribution().version(),
                    "",
                    "replica",
                    true,
                    "ON",
                    true,
                    false,
                    true,
                    Privileges.unknown("'root'@'localhost'"),
                    Map.of("version", distribution().version()));
            String own = ownTransactions();
            long boot = Long.parseLong(ServerChecks.scalar(
                    replica(),
                    ServerGuard.bootExpression(server).equals(ServerGuard.BOOT_MYSQL)
                            ? ServerGuard.BOOT_TIME_MYSQL
                            : ServerGuard.BOOT_TIME_INFORMATION_SCHEMA));
            ServerGuard.Plan both = new ServerGuard.Plan(true, true);
            try {
                replica().execute("STOP SLAVE SQL_THREAD", "SET GLOBAL read_only = ON");
                // Made an hour before this boot, for a connection that is gone: the server restarted since.
                awaitGuardRun(server, ServerGuard.Name.of(boot - 3_600, 999_999_001L), both);
                assertThat(pair.sqlThreadRunning())
                        .as("after a restart the SQL thread is the configuration's business")
                        .isFalse();
                assertState(true, false);

                if (mariaDb()) {
                    awaitGuardRun(server, ServerGuard.Name.of(boot, 999_999_002L), both);
                } else {
                    // The session's connection is alive while the guard is made; then someone makes the server
                    // super_read_only, and the connection ends: the guard waits (it may not even drop itself).
                    ServerGuard.Name name;
                    try (Connection session = replica().connect()) {
                        name = ServerGuard.Name.of(boot, ServerChecks.connectionId(session));
                        replica()
                                .execute(
                                        ServerGuard.SQL_LOG_BIN_OFF,
                                        ServerGuard.createStatement(server, name, both),
                                        "SET GLOBAL super_read_only = ON");
                    }
                    Thread.sleep(2_500);
                    assertThat(guards())
                            .as("under super_read_only the guard waits")
                            .isEqualTo(1);
                    assertThat(errorLog()
                                    .lines()
                                    .filter(l ->
                                            l.contains(name.qualified().substring(ServerGuard.SCHEMA.length() + 1))))
                            .as("quietly: no failed run in the server's error log")
                            .isEmpty();
                    assertState(true, true);
                    assertThat(pair.sqlThreadRunning()).isFalse();
                    replica().execute("SET GLOBAL super_read_only = OFF");
                    awaitGuardGone();
                }
                assertThat(pair.sqlThreadRunning())
                        .as("its session's connection is gone: restarted")
                        .isTrue();
                assertState(false, false);
                assertThat(ownTransactions())
                        .as("the replica's own transactions (errant GTIDs)")
                        .isEqualTo(own);
            } finally {
                setState(false, false);
                if (!pair.sqlThreadRunning()) {
                    replica().execute("START SLAVE SQL_THREAD");
                }
            }
        });
    }

    /** Creates the guard as the session does (sql_log_bin off) and waits until it has run and dropped itself. */
    private void awaitGuardRun(ServerInfo server, ServerGuard.Name name, ServerGuard.Plan plan)
            throws InterruptedException {
        replica().execute(ServerGuard.SQL_LOG_BIN_OFF, ServerGuard.createStatement(server, name, plan));
        awaitGuardGone();
    }

    private void awaitGuardGone() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (guards() > 0) {
            assertThat(System.nanoTime()).as("the guard ran and dropped itself").isLessThan(deadline);
            Thread.sleep(50);
        }
        Thread.sleep(200);
    }

    private String errorLog() throws java.io.IOException {
        return Files.readString(replica().runDirectory().resolve("error.log"), java.nio.charset.StandardCharsets.UTF_8);
    }

    private long guards() {
        return ServerChecks.count(
                replica(),
                "SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_NAME LIKE 'quiesce\\_guard\\_%'");
    }

    /** MySQL: the GTIDs of the replica's own server_uuid; MariaDB: its server_id's entries in gtid_binlog_state. */
    private String ownTransactions() {
        if (mariaDb()) {
            String id = ServerChecks.scalar(replica(), "SELECT @@GLOBAL.server_id");
            return Stream.of(ServerChecks.scalar(replica(), "SELECT @@GLOBAL.gtid_binlog_state")
                            .split(","))
                    .map(String::trim)
                    .filter(g -> g.matches("\\d+-" + id + "-\\d+"))
                    .sorted()
                    .toList()
                    .toString();
        }
        String uuid = ServerChecks.scalar(replica(), "SELECT @@GLOBAL.server_uuid");
        return uuid + ":"
                + Gtids.count(
                        ServerChecks.scalar(replica(), "SELECT @@GLOBAL.gtid_executed")
                                .replace("\n", ""),
                        uuid);
    }

    interface Body {
        void run() throws Exception;
    }

    /** Runs with the replica's event scheduler on or off, and puts it back as it was. */
    private void withEventScheduler(boolean on, Body body) throws Exception {
        String before = ServerChecks.scalar(replica(), "SELECT @@GLOBAL.event_scheduler");
        replica().execute("SET GLOBAL event_scheduler = " + (on ? "ON" : "OFF"));
        try {
            body.run();
        } finally {
            replica().execute("SET GLOBAL event_scheduler = " + ("ON".equalsIgnoreCase(before) ? "ON" : "OFF"));
        }
    }

    private List<Path> journalFiles() throws java.io.IOException {
        try (Stream<Path> files = Files.list(journals)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".journal"))
                    .toList();
        }
    }

    private void setState(boolean readOnly, boolean superReadOnly) {
        if (mariaDb()) {
            replica().execute("SET GLOBAL read_only = " + (readOnly ? "ON" : "OFF"));
        } else if (superReadOnly) {
            replica().execute("SET GLOBAL super_read_only = ON");
        } else {
            replica()
                    .execute(
                            "SET GLOBAL read_only = " + (readOnly ? "ON" : "OFF"),
                            "SET GLOBAL super_read_only = OFF",
                            "SET GLOBAL read_only = " + (readOnly ? "ON" : "OFF"));
        }
    }

    private void assertState(boolean readOnly, boolean superReadOnly) {
        assertThat(ServerChecks.scalar(replica(), "SELECT @@GLOBAL.read_only"))
                .as("read_only")
                .isEqualTo(readOnly ? "1" : "0");
        if (!mariaDb()) {
            assertThat(ServerChecks.scalar(replica(), "SELECT @@GLOBAL.super_read_only"))
                    .as("super_read_only")
                    .isEqualTo(superReadOnly ? "1" : "0");
        }
    }

    private static long rows(EmbeddedServer server, String table) {
        return ServerChecks.count(server, "SELECT COUNT(*) FROM " + SCHEMA + "." + table);
    }
}
