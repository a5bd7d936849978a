package io.github.quiesce.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.MissingPrivilegeException;
import io.github.quiesce.ReplicaSource;
import io.github.quiesce.UnsupportedServerException;
import io.github.quiesce.backupstage.BackupStageStrategy;
import io.github.quiesce.ftwrl.FtwrlStrategy;
import io.github.quiesce.instancelock.InstanceLockStrategy;
import io.github.quiesce.readonly.ReadOnlyStrategy;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.Gtids;
import io.github.quiesce.testkit.ReplicaPair;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerChecks.BinlogEvent;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.Writers;
import io.github.quiesce.testkit.contract.BlocksDdlOnlyContract;
import io.github.quiesce.testkit.contract.BlocksWritesContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every column of the version matrix for one server version, on one source/replica pair started once
 * for all of them: the lock contract for each strategy that runs there, a typed refusal for each that
 * does not, what {@code auto} picks and whether its coordinates match the data, and {@code read-only}
 * on the replica. A subclass names the version.
 *
 * <p>Rounds are smaller than in the strategy modules' own ITs (which run the full contract on MySQL
 * 8.0.15 and MariaDB 11.4.5): here the question is whether each version behaves, within CI's budget.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
abstract class VersionCells {

    static final String SCHEMA = "quiesce_vm";
    static final int SNAPSHOT_SESSIONS = 10;
    static final int AGREEMENT_SESSIONS = 5;
    static final int ROUNDS = Integer.getInteger("quiesce.it.rounds", 3);
    static final Duration LOCK_WAIT = Duration.ofSeconds(10);

    private final MatrixVersion version;
    private ReplicaPair pair;

    VersionCells(MatrixVersion version) {
        this.version = version;
    }

    MatrixVersion version() {
        return version;
    }

    /** The version's pair, started by the first cell that needs it and stopped after the last. */
    synchronized ReplicaPair pair() {
        if (pair == null) {
            pair = ReplicaPair.start(version.distribution);
            pair.source().execute("CREATE DATABASE IF NOT EXISTS " + SCHEMA);
            pair.awaitCaughtUp(Duration.ofSeconds(30));
        }
        return pair;
    }

    @AfterAll
    synchronized void stopServers() {
        if (pair != null) {
            pair.close();
            pair = null;
        }
    }

    /** Skips a strategy's contract where it cannot run; the refusal is proven in {@link Refused}. */
    EmbeddedServer sourceFor(String strategy) {
        assumeTrue(
                version.supports(strategy),
                () -> strategy + " does not run on " + version.displayName() + " (see the refusal cell)");
        return pair().source();
    }

    /**
     * Takes a point with an account holding only the least grants the README gives for the strategy,
     * spelled for this version; the coordinates' GTID set must be the server's at that moment.
     */
    BinlogCoordinates withDocumentedGrants(EmbeddedServer server, String strategy, BackupOptions.Builder options) {
        String user = "vm_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        String password = "Pw_" + user;
        createAccount(server, user, password, version.grants(strategy));
        try (HikariDataSource pool = server.pooledDataSource(user, password, 2)) {
            String before = Gtids.executed(server);
            try (BackupSession s = BackupSession.open(pool, options.build())) {
                assertThat(s.strategy()).isEqualTo(strategy);
                BinlogCoordinates c = s.coordinates();
                assertThat(c.gtidSet())
                        .as("GTID set with %s", String.join(", ", version.grants(strategy)))
                        .isEqualTo(before);
                return c;
            }
        } finally {
            pair().source().execute("DROP USER IF EXISTS '" + user + "'@'%'");
        }
    }

    /**
     * The up-front privilege check must agree with the server, version by version: an account the
     * server lets run every statement the strategy needs gets its point; any other gets a
     * MissingPrivilegeException before anything is locked, never a failure under the lock. The server is
     * asked first, as that account, with statements that change nothing.
     */
    void upFrontCheckAgreesWithTheServer(
            EmbeddedServer target, BackupOptions.Builder options, List<String> needed, String... grants)
            throws SQLException {
        String user = "vm_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        String password = "Pw_" + user;
        createAccount(target, user, password, grants);
        try (HikariDataSource pool = target.pooledDataSource(user, password, 2)) {
            List<String> refused = new ArrayList<>();
            try (Connection c = pool.getConnection();
                    Statement st = c.createStatement()) {
                for (String statement : needed) {
                    try {
                        st.execute(statement);
                    } catch (SQLException e) {
                        refused.add(statement + " (" + e.getErrorCode() + ")");
                    }
                }
            }
            String grantList = String.join(", ", grants);
            try (BackupSession s = BackupSession.open(pool, options.build())) {
                s.coordinates();
                assertThat(refused)
                        .as("quiesce took a point with %s although the server refuses", grantList)
                        .isEmpty();
            } catch (MissingPrivilegeException e) {
                assertThat(refused)
                        .as(
                                "refused up front with %s although the server allows %s: %s",
                                grantList, needed, e.getMessage())
                        .isNotEmpty();
                assertThat(e).hasMessageContaining("Nothing was locked");
            }
            // Nothing may be left held: the source takes a write at once and the replica applies it.
            assertThat(ServerChecks.completesWithin(
                            pair().source(), "CREATE TABLE IF NOT EXISTS " + SCHEMA + ".nothing_held (id INT)", 2_000))
                    .as("a write on the source after the check")
                    .isTrue();
            pair().awaitCaughtUp(Duration.ofSeconds(10));
        } finally {
            pair().source().execute("DROP USER IF EXISTS '" + user + "'@'%'");
        }
    }

    /**
     * An account with the server's default authentication (MySQL 8: caching_sha2_password, which the
     * connector must handle without TLS here), made on the source as on any pair; only one used on the
     * replica waits for it to arrive there. Names are generated, never user input.
     */
    private void createAccount(EmbeddedServer target, String user, String password, String... grants) {
        String account = "'" + user + "'@'%'";
        pair().source()
                .execute(
                        "DROP USER IF EXISTS " + account,
                        "CREATE USER " + account + " IDENTIFIED BY '" + password + "'",
                        "GRANT " + String.join(", ", grants) + " ON *.* TO " + account);
        if (!version.distribution.isMariaDb() && version.distribution.atLeast(8, 0, 4)) {
            assertThat(ServerChecks.scalar(
                            pair().source(), "SELECT plugin FROM mysql.user WHERE user = '" + user + "'"))
                    .as("MySQL 8's default authentication")
                    .isEqualTo("caching_sha2_password");
        }
        if (target == pair().replica()) {
            pair().awaitCaughtUp(Duration.ofSeconds(30));
        }
    }

    static long rows(Connection connection, String table) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + SCHEMA + "." + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long rows(EmbeddedServer server, String table) {
        return ServerChecks.count(server, "SELECT COUNT(*) FROM " + SCHEMA + "." + table);
    }

    @Nested
    @Order(1)
    class Ftwrl extends BlocksWritesContract implements VersionMatrix.Cell {

        @Override
        public MatrixVersion version() {
            return version;
        }

        @Override
        public String column() {
            return FtwrlStrategy.NAME;
        }

        @Override
        protected ServerDistribution distribution() {
            return version.distribution;
        }

        @Override
        protected String strategyName() {
            return FtwrlStrategy.NAME;
        }

        @Override
        protected EmbeddedServer serverUnderTest() {
            return sourceFor(strategyName());
        }

        @Override
        protected int snapshotSessions() {
            return SNAPSHOT_SESSIONS;
        }

        @Override
        protected int agreementSessions() {
            return AGREEMENT_SESSIONS;
        }

        @Test
        void theDocumentedGrantsAreEnough() {
            withDocumentedGrants(server, strategyName(), options());
        }

        /** SUPER once covered the binary log status everywhere; MariaDB split it up. */
        @Test
        void withReloadAndSuperTheCheckAgreesWithTheServer() throws SQLException {
            upFrontCheckAgreesWithTheServer(server, options(), List.of("SHOW MASTER STATUS"), "RELOAD", "SUPER");
        }
    }

    @Nested
    @Order(2)
    class InstanceLock extends BlocksDdlOnlyContract implements VersionMatrix.Cell {

        @Override
        public MatrixVersion version() {
            return version;
        }

        @Override
        public String column() {
            return InstanceLockStrategy.NAME;
        }

        @Override
        protected ServerDistribution distribution() {
            return version.distribution;
        }

        @Override
        protected String strategyName() {
            return InstanceLockStrategy.NAME;
        }

        @Override
        protected EmbeddedServer serverUnderTest() {
            return sourceFor(strategyName());
        }

        @Override
        protected int snapshotSessions() {
            return SNAPSHOT_SESSIONS;
        }

        @Override
        protected int agreementSessions() {
            return AGREEMENT_SESSIONS;
        }

        @Test
        void theDocumentedGrantsAreEnough() {
            withDocumentedGrants(server, strategyName(), options());
        }
    }

    @Nested
    @Order(3)
    class BackupStage extends BlocksDdlOnlyContract implements VersionMatrix.Cell {

        @Override
        public MatrixVersion version() {
            return version;
        }

        @Override
        public String column() {
            return BackupStageStrategy.NAME;
        }

        @Override
        protected ServerDistribution distribution() {
            return version.distribution;
        }

        @Override
        protected String strategyName() {
            return BackupStageStrategy.NAME;
        }

        @Override
        protected EmbeddedServer serverUnderTest() {
            return sourceFor(strategyName());
        }

        @Override
        protected int snapshotSessions() {
            return SNAPSHOT_SESSIONS;
        }

        @Override
        protected int agreementSessions() {
            return AGREEMENT_SESSIONS;
        }

        @Test
        void theDocumentedGrantsAreEnough() {
            withDocumentedGrants(server, strategyName(), options());
        }
    }

    /** Each strategy that does not run on this version, named explicitly: a typed refusal before anything is locked. */
    @Nested
    @Order(4)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Refused implements VersionMatrix.Cell {

        private String strategy = "";

        @Override
        public MatrixVersion version() {
            return version;
        }

        @Override
        public String column() {
            return strategy;
        }

        @Override
        public boolean refusal() {
            return true;
        }

        Stream<String> unsupported() {
            return version.unsupported().stream();
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("unsupported")
        void namedItIsRefusedWithATypedErrorBeforeAnyLock(String name) {
            strategy = name;
            EmbeddedServer source = pair().source();
            BackupOptions options = BackupOptions.builder()
                    .strategy(name)
                    .lockWaitTimeout(LOCK_WAIT)
                    .build();
            assertThatThrownBy(() ->
                            BackupSession.open(source.dataSource(), options).close())
                    .isInstanceOf(UnsupportedServerException.class)
                    .hasMessageContaining("'" + name + "' cannot run on " + version.displayName());
            assertThat(ServerChecks.completesWithin(
                            source, "CREATE TABLE IF NOT EXISTS " + SCHEMA + ".refused (id INT) ENGINE=InnoDB", 2_000))
                    .as("nothing is left locked")
                    .isTrue();
        }
    }

    /** What {@code auto} picks on this version, and whether that point matches the data. */
    @Nested
    @Order(5)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Auto implements VersionMatrix.Cell {

        private EmbeddedServer server;
        private String picked = "";

        @Override
        public MatrixVersion version() {
            return version;
        }

        @Override
        public String column() {
            return VersionMatrix.AUTO;
        }

        @Override
        public String note() {
            return picked.isEmpty() ? "" : "`" + picked + "`";
        }

        @BeforeAll
        void source() {
            server = pair().source();
        }

        private BackupOptions options() {
            return BackupOptions.builder().lockWaitTimeout(LOCK_WAIT).build();
        }

        @Test
        void picksTheCheapestStrategyThatRunsHere() {
            try (BackupSession s = BackupSession.open(server.dataSource(), options())) {
                picked = s.strategy();
            }
            assertThat(picked).isEqualTo(version.auto);
        }

        /** The contract's proof, under auto: rows seen at the point = transactions in its GTID set, and the next event starts the next one. */
        @Test
        void coordinatesMatchTheRowsAndTheBinaryLogWhileWritersRun() throws Exception {
            String table = Writers.newTable(server, SCHEMA, "auto");
            String uuid = version.distribution.isMariaDb() ? null : ServerChecks.scalar(server, "SELECT @@server_uuid");
            long baseline = Gtids.count(Gtids.executed(server));
            try (Writers writers = Writers.start(server, SCHEMA, table, 4, 1_000_000)) {
                for (int round = 0; round < ROUNDS; round++) {
                    writers.awaitCommitted((round + 1) * 30L, 10_000);
                    Connection snapshot;
                    BinlogCoordinates c;
                    try (BackupSession s = BackupSession.open(server.dataSource(), options())) {
                        snapshot = s.snapshotConnections(1).get(0);
                        c = s.coordinates();
                        picked = s.strategy();
                    }
                    try (snapshot) {
                        assertThat(rows(snapshot, table))
                                .as("rows at %s (baseline %d)", c, baseline)
                                .isEqualTo(Gtids.count(c.gtidSet()) - baseline);
                    }
                    writers.awaitCommitted(writers.committed() + 8, 10_000);
                    Optional<BinlogEvent> next = ServerChecks.eventAt(server, c.file(), c.position());
                    assertThat(next).as("an event starts exactly at %s", c).isPresent();
                    assertThat(next.get().type()).as("event at %s", c).isEqualTo("Gtid");
                    assertThat(next.get().info())
                            .as("the event at %s starts the first transaction not in the set", c)
                            .contains(Gtids.next(c.gtidSet(), uuid));
                }
                assertThat(writers.errors()).isEmpty();
            }
        }
    }

    /** read-only on the replica: it stops applying while the source runs on, with the source's coordinates of what it applied. */
    @Nested
    @Order(6)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ReadOnly implements VersionMatrix.Cell {

        @TempDir
        Path journals;

        private ReplicaPair pair;

        @Override
        public MatrixVersion version() {
            return version;
        }

        @Override
        public String column() {
            return VersionMatrix.REPLICA;
        }

        @BeforeAll
        void replica() {
            pair = pair();
        }

        private BackupOptions.Builder readOnly() {
            return BackupOptions.builder()
                    .strategy(ReadOnlyStrategy.NAME)
                    .journalDirectory(journals)
                    .lockWaitTimeout(LOCK_WAIT);
        }

        private String table(String prefix) {
            String t = Writers.newTable(pair.source(), SCHEMA, prefix);
            pair.awaitCaughtUp(Duration.ofSeconds(30));
            return t;
        }

        /** The source's server_uuid; null on MariaDB, whose GTIDs name a domain and server id instead. */
        private String sourceUuid() {
            return version.distribution.isMariaDb()
                    ? null
                    : ServerChecks.scalar(pair.source(), "SELECT @@GLOBAL.server_uuid");
        }

        private String readOnlyState() {
            return ServerChecks.scalar(pair.replica(), "SELECT @@GLOBAL.read_only");
        }

        @Test
        void theReplicaStopsApplyingWhileTheSourceRunsOnAndCatchesUpAfter() throws Exception {
            String table = table("apply");
            try (Writers writers = Writers.running(pair.source(), SCHEMA, table)) {
                long held;
                long sourceBefore;
                try (BackupSession s = BackupSession.open(
                        pair.replica().dataSource(), readOnly().build())) {
                    s.coordinates();
                    assertThat(readOnlyState()).as("read_only while held").isEqualTo("1");
                    held = rows(pair.replica(), table);
                    sourceBefore = writers.committed();
                    Thread.sleep(500);
                    assertThat(rows(pair.replica(), table))
                            .as("the replica applies nothing while held")
                            .isEqualTo(held);
                    assertThat(writers.committed())
                            .as("the source keeps committing")
                            .isGreaterThan(sourceBefore + 10);
                }
                writers.close();
                assertThat(writers.errors()).isEmpty();
            }
            pair.awaitCaughtUp(Duration.ofSeconds(30));
            assertThat(rows(pair.replica(), table)).as("caught up after close").isEqualTo(rows(pair.source(), table));
            assertThat(readOnlyState()).as("read_only back").isEqualTo("0");
        }

        @Test
        void sourceCoordinatesCountExactlyWhatTheReplicaApplied() throws Exception {
            String table = table("coords");
            long baseline = Gtids.countOf(pair.source(), Gtids.executed(pair.source()));
            try (Writers writers = Writers.running(pair.source(), SCHEMA, table)) {
                for (int i = 0; i < ROUNDS; i++) {
                    ReplicaSource src;
                    long applied;
                    try (BackupSession s = BackupSession.open(
                            pair.replica().dataSource(), readOnly().build())) {
                        src = s.coordinates().replicaSource().orElseThrow();
                        applied = rows(pair.replica(), table);
                    }
                    assertThat(src.port()).isEqualTo(pair.source().port());
                    assertThat(Gtids.countOf(pair.source(), src.gtidSet()) - baseline)
                            .as("rows on the replica = source transactions in %s", src.gtidSet())
                            .isEqualTo(applied);
                    String next = Gtids.next(src.gtidSet(), sourceUuid());
                    ServerChecks.eventAt(pair.source(), src.logFile(), src.logPosition())
                            .ifPresent(e -> assertThat(e.type() + " " + e.info())
                                    .as("the source position starts the first transaction not in the set")
                                    .startsWith("Gtid")
                                    .contains(next));
                    Thread.sleep(100);
                }
                assertThat(writers.errors()).isEmpty();
            }
        }

        @Test
        void readOnlyIsPutBackAsItWasAfterCloseAndAfterAFailure() {
            for (String start : List.of("OFF", "ON")) {
                pair.replica().execute("SET GLOBAL read_only = " + start);
                try {
                    try (BackupSession s = BackupSession.open(
                            pair.replica().dataSource(), readOnly().build())) {
                        s.coordinates();
                    }
                    assertThat(readOnlyState())
                            .as("after close, started %s", start)
                            .isEqualTo(start.equals("ON") ? "1" : "0");
                    assertThatThrownBy(() -> {
                                try (BackupSession s = BackupSession.open(
                                        pair.replica().dataSource(), readOnly().build())) {
                                    s.coordinates();
                                    throw new IllegalStateException("copy failed");
                                }
                            })
                            .hasMessage("copy failed");
                    assertThat(readOnlyState())
                            .as("after a failure, started %s", start)
                            .isEqualTo(start.equals("ON") ? "1" : "0");
                } finally {
                    pair.replica().execute("SET GLOBAL read_only = OFF");
                }
            }
        }

        @Test
        void theDocumentedGrantsAreEnough() {
            BinlogCoordinates c = withDocumentedGrants(pair.replica(), ReadOnlyStrategy.NAME, readOnly());
            assertThat(c.replicaSource()).as("the source's coordinates").isPresent();
            assertThat(readOnlyState()).isEqualTo("0");
        }

        private static final List<String> NEEDED =
                List.of("SHOW MASTER STATUS", "SHOW SLAVE STATUS", "SET GLOBAL read_only = @@GLOBAL.read_only");

        @Test
        void withReloadAndSuperTheCheckAgreesWithTheServer() throws SQLException {
            upFrontCheckAgreesWithTheServer(pair.replica(), readOnly(), NEEDED, "RELOAD", "SUPER");
            assertThat(readOnlyState()).isEqualTo("0");
        }

        @Test
        void withTheFormerlyDocumentedGrantsTheCheckAgreesWithTheServer() throws SQLException {
            Optional<String[]> former = version.formerlyDocumentedReadOnlyGrants();
            assumeTrue(former.isPresent(), "the README's grants for this version did not change");
            upFrontCheckAgreesWithTheServer(pair.replica(), readOnly(), NEEDED, former.get());
            assertThat(readOnlyState()).isEqualTo("0");
        }

        @Test
        void onTheSourceItRefusesWithATypedErrorAndChangesNothing() {
            assertThatThrownBy(() -> BackupSession.open(
                                    pair.source().dataSource(), readOnly().build())
                            .close())
                    .isInstanceOf(UnsupportedServerException.class)
                    .hasMessageContaining("not a replica");
            assertThat(ServerChecks.scalar(pair.source(), "SELECT @@GLOBAL.read_only"))
                    .isEqualTo("0");
        }
    }
}
