package io.github.quiesce.percona;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.testkit.Writers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MySQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The backup-locks contract on a real Percona Server, where Docker runs: the strategy's own scenarios, and
 * every conformance case of the image's generation ({@link PerconaConformanceCases}, the same list the
 * model is held to by PerconaModelConformanceTest). Without Docker every test and every case is reported as
 * skipped, with the reason, in the build output and the failsafe report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PerconaServerContainerContract {

    private static final Logger LOG = LoggerFactory.getLogger(PerconaServerContainerContract.class);

    private MySQLContainer<?> container;
    private String skipReason;
    private DataSource dataSource;
    private String serverVersion;

    /** e.g. {@code percona/percona-server:8.0}. */
    abstract String image();

    abstract PerconaGeneration generation();

    @BeforeAll
    void startContainer() {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        if (!docker) {
            skipReason =
                    "no Docker engine on this machine, so " + image() + " cannot run; the same conformance cases run"
                            + " against testkit's Percona model in PerconaModelConformanceTest, the strategy in PerconaScriptedTest";
            LOG.warn("SKIPPED: {}", skipReason);
            return;
        }
        container = new MySQLContainer<>(DockerImageName.parse(image()).asCompatibleSubstituteFor("mysql"))
                .withUsername("root")
                .withPassword("root_pw")
                .withCommand(
                        "--server-id=1",
                        "--log-bin=binlog",
                        "--binlog-format=ROW",
                        "--gtid-mode=ON",
                        "--enforce-gtid-consistency=ON")
                .withStartupTimeout(Duration.ofMinutes(3));
        container.start();
        com.mysql.cj.jdbc.MysqlDataSource ds = new com.mysql.cj.jdbc.MysqlDataSource();
        ds.setURL(container.getJdbcUrl() + "?allowPublicKeyRetrieval=true&useSSL=false");
        ds.setUser("root");
        ds.setPassword("root_pw");
        dataSource = ds;
        serverVersion = query("SELECT VERSION()");
        execute(
                "CREATE DATABASE IF NOT EXISTS it",
                "CREATE TABLE IF NOT EXISTS it.inno (id BIGINT AUTO_INCREMENT PRIMARY KEY, writer INT, seq BIGINT) ENGINE=InnoDB",
                "CREATE TABLE IF NOT EXISTS it.isam (id BIGINT AUTO_INCREMENT PRIMARY KEY, v INT) ENGINE=MyISAM");
    }

    /** Each test is reported as skipped, with the reason, when there is no Docker. */
    void requireDocker() {
        Assumptions.assumeTrue(skipReason == null, () -> skipReason);
    }

    /** Percona's MTR assertions against the image; each case is skipped, with the reason, without Docker. */
    @TestFactory
    Stream<DynamicNode> conformance() {
        return new ConformanceRun(
                        generation(), () -> Optional.ofNullable(dataSource).map(ds -> new ContainerTarget()))
                .tests(() -> skipReason);
    }

    @AfterAll
    void stopContainer() {
        if (container != null) {
            container.stop();
        }
    }

    @Test
    void innodbWritersKeepCommittingWhileMyisamWritesAndDdlWait() throws Exception {
        requireDocker();
        BackupOptions o = BackupOptions.builder()
                .strategy(PerconaBackupLocksStrategy.NAME)
                .build();
        try (Writers writers = Writers.start(dataSource, "it", "inno", 4, 1_000_000)) {
            writers.awaitCommitted(50, 10_000);
            CompletableFuture<Void> myisam;
            CompletableFuture<Void> ddl;
            try (BackupSession s = BackupSession.open(dataSource, o)) {
                assertThat(s.strategy()).isEqualTo(PerconaBackupLocksStrategy.NAME);
                long before = writers.committed();
                myisam = async("INSERT INTO it.isam (v) VALUES (1)");
                ddl = async("CREATE TABLE it.ddl_" + System.nanoTime() + " (id INT) ENGINE=InnoDB");
                Thread.sleep(1_000);
                assertThat(writers.committed())
                        .as("InnoDB DML flows under LOCK TABLES FOR BACKUP")
                        .isGreaterThan(before + 10);
                assertThat(myisam).as("MyISAM write waits").isNotDone();
                assertThat(ddl).as("DDL waits").isNotDone();
                BinlogCoordinates c = s.coordinates();
                assertThat(c.gtidSet()).isNotEmpty();
                assertThat(eventTypeAt(c)).isIn("Gtid", null);
            }
            myisam.get(10, TimeUnit.SECONDS);
            ddl.get(10, TimeUnit.SECONDS);
            assertThat(writers.errors()).isEmpty();
        }
    }

    /** The consistent-snapshot variant: each connection clones the session's snapshot; writers never wait. */
    @Test
    void clonedSnapshotConnectionsAllSeeTheSameDataWhileWritersRun() throws Exception {
        requireDocker();
        BackupOptions o = BackupOptions.builder()
                .strategy(PerconaBackupLocksStrategy.NAME)
                .set(PerconaBackupLocksStrategy.INNODB_ONLY_COORDINATES, true)
                .build();
        try (Writers writers = Writers.start(dataSource, "it", "inno", 4, 1_000_000)) {
            writers.awaitCommitted(50, 10_000);
            for (int round = 0; round < 10; round++) {
                List<Connection> snapshots;
                try (BackupSession s = BackupSession.open(dataSource, o)) {
                    snapshots = s.snapshotConnections(3);
                    assertThat(s.coordinates().position()).isPositive();
                }
                Set<Long> counts = new HashSet<>();
                for (Connection c : snapshots) {
                    try (c;
                            Statement st = c.createStatement();
                            ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM it.inno")) {
                        rs.next();
                        counts.add(rs.getLong(1));
                    }
                }
                assertThat(counts).as("every clone sees the same rows").hasSize(1);
            }
            assertThat(writers.errors()).isEmpty();
        }
    }

    /** 8.0 snapshots come from the session's consistent snapshot: no FLUSH TABLES WITH READ LOCK, which Percona refuses there. */
    @Test
    void snapshotConnectionsOpenUnderTheBackupLockAndSeeTheCoordinates() throws Exception {
        requireDocker();
        BackupOptions o = BackupOptions.builder()
                .strategy(PerconaBackupLocksStrategy.NAME)
                .build();
        try (Writers writers = Writers.start(dataSource, "it", "inno", 4, 1_000_000)) {
            writers.awaitCommitted(50, 10_000);
            List<Connection> snapshots;
            BinlogCoordinates c;
            try (BackupSession s = BackupSession.open(dataSource, o)) {
                snapshots = s.snapshotConnections(2);
                c = s.coordinates();
            }
            for (Connection snapshot : snapshots) {
                try (snapshot;
                        Statement st = snapshot.createStatement();
                        ResultSet rs = st.executeQuery("SHOW STATUS LIKE 'Binlog_snapshot_position'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong("Value"))
                            .as("the clone's binlog snapshot is the coordinates")
                            .isEqualTo(c.position());
                }
            }
            assertThat(writers.errors()).isEmpty();
        }
    }

    @Test
    void autoChoosesBackupLocks() {
        requireDocker();
        try (BackupSession s = BackupSession.open(dataSource)) {
            assertThat(s.strategy()).isEqualTo(PerconaBackupLocksStrategy.NAME);
        }
    }

    /** The container as a conformance target: each case starts from a fresh schema test and default settings. */
    private final class ContainerTarget implements ConformanceTarget {

        @Override
        public PerconaGeneration generation() {
            return PerconaServerContainerContract.this.generation();
        }

        @Override
        public String describe() {
            return image() + " (" + serverVersion + ")";
        }

        @Override
        public Optional<String> reset(Set<Requirement> requirements) throws SQLException {
            if (requirements.contains(Requirement.DEBUG_BUILD)) {
                return Optional.of("needs a debug build of Percona Server (have_debug.inc, SET debug_sync); " + image()
                        + " is a release build");
            }
            if (requirements.contains(Requirement.BINLOG_OFF)) {
                return Optional.of(
                        "needs a server started without --log-bin; this container runs with the binary log on");
            }
            String mdlDefault = generation().metadataLocksInstrumentedByDefault() ? "YES" : "NO";
            try (Connection c = DriverManager.getConnection(url(""), "root", "root_pw");
                    Statement st = c.createStatement()) {
                for (String s : List.of(
                        "DROP DATABASE IF EXISTS test",
                        "DROP DATABASE IF EXISTS test1",
                        "CREATE DATABASE test",
                        "DROP USER IF EXISTS 'u1'@'%'",
                        "DROP USER IF EXISTS 'user1'@'%'",
                        "SET GLOBAL delay_key_write=ON",
                        "SET GLOBAL lock_wait_timeout=31536000",
                        "UPDATE performance_schema.setup_instruments SET ENABLED = '" + mdlDefault
                                + "' WHERE NAME = 'wait/lock/metadata/sql/mdl'")) {
                    st.execute(s);
                }
            }
            return Optional.empty();
        }

        @Override
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url("test"), "root", "root_pw");
        }

        @Override
        public Connection connect(String user) throws SQLException {
            return DriverManager.getConnection(url("test"), user, "");
        }

        private String url(String database) {
            return "jdbc:mysql://" + container.getHost() + ":" + container.getMappedPort(3306) + "/" + database
                    + "?allowPublicKeyRetrieval=true&useSSL=false";
        }
    }

    private String eventTypeAt(BinlogCoordinates c) throws SQLException {
        try (Connection conn = dataSource.getConnection();
                PreparedStatement ps = conn.prepareStatement("SHOW BINLOG EVENTS IN ? FROM ? LIMIT 1")) {
            ps.setString(1, c.file());
            ps.setLong(2, c.position());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString("Event_type") : null;
            }
        }
    }

    private String query(String sql) {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private CompletableFuture<Void> async(String sql) {
        return CompletableFuture.runAsync(() -> execute(sql));
    }

    private void execute(String... statements) {
        try (Connection c = DriverManager.getConnection(
                        container.getJdbcUrl() + "?allowPublicKeyRetrieval=true&useSSL=false", "root", "root_pw");
                Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
