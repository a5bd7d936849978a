package io.github.quiesce.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.mysql.cj.jdbc.MysqlDataSource;
import io.github.quiesce.BackupException;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.CoordinatesUnavailableException;
import io.github.quiesce.MissingPrivilegeException;
import io.github.quiesce.ServerConnectionException;
import io.github.quiesce.StrategyNotFoundException;
import io.github.quiesce.UnsupportedServerException;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.LogCapture;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerConfig;
import io.github.quiesce.testkit.ServerDistribution;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wrong arguments, wrong endpoints, wrong accounts and unusual server settings: each a typed exception
 * before any lock is taken, with a message a DBA understands, and the password in no message and no log
 * line (everything quiesce logs, down to DEBUG, is captured).
 */
class BadInputIT {

    private static final String PASSWORD = "S3cr3t_Pa55w0rd_XYZ";

    private static DataSource dataSource(String url, String user, String password) {
        MysqlDataSource ds = new MysqlDataSource();
        ds.setURL(url);
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }

    private static String url(EmbeddedServer server) {
        return server.jdbcUrl() + "&connectTimeout=3000&socketTimeout=5000";
    }

    /** Opens, expecting a failure; returns it after checking the password is nowhere, and nothing is locked. */
    private static Throwable openFails(DataSource ds, BackupOptions options) {
        try (LogCapture log = new LogCapture()) {
            Throwable got = catchThrowable(() -> BackupSession.open(ds, options).close());
            assertThat(got).as("open() failed").isNotNull();
            for (Throwable t = got; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage()))
                        .as("message of %s", t.getClass().getSimpleName())
                        .doesNotContain(PASSWORD);
            }
            assertThat(log.text()).as("what quiesce logged").doesNotContain(PASSWORD);
            return got;
        }
    }

    @Test
    void argumentsAreCheckedBeforeAnythingConnects() {
        assertThatThrownBy(() -> BackupSession.open(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("dataSource");
        DataSource never = dataSource("jdbc:mysql://127.0.0.1:1/", "u", PASSWORD);
        assertThatThrownBy(() -> BackupSession.open(never, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("options");
        assertThatThrownBy(() -> BackupOptions.builder().strategy(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("auto");
        assertThatThrownBy(() -> BackupOptions.builder().strategy(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BackupOptions.builder().strategy("ftwrl; DROP TABLE x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BackupOptions.builder().lockWaitTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("greater than zero");
        assertThatThrownBy(() -> BackupOptions.builder().lockWaitTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BackupOptions.builder().acquireTimeout(Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BackupOptions.builder().maxLockHold(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BackupOptions.builder().maxLockHold(Duration.ofDays(31)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most");
        assertThatThrownBy(() -> BackupOptions.builder().acquireRetries(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BackupOptions.builder().journalDirectory(null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> BackupOptions.builder().lockWaitTimeout(null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void anUnknownStrategyIsNamedWithTheOnesThatExist() {
        EmbeddedServer server = Servers.single(ServerDistribution.MYSQL_8_0_15);
        Throwable got = openFails(
                server.dataSource(),
                BackupOptions.builder().strategy("lvm-magic").build());
        assertThat(got)
                .isInstanceOf(StrategyNotFoundException.class)
                .hasMessageContaining("lvm-magic")
                .hasMessageContaining("ftwrl");
    }

    @Test
    void aClosedPortIsAConnectionErrorNamingWhereItTried() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Throwable got = openFails(
                dataSource("jdbc:mysql://127.0.0.1:" + port + "/?connectTimeout=2000", "backup", PASSWORD),
                BackupOptions.defaults());
        assertThat(got).isInstanceOf(ServerConnectionException.class).hasMessageContaining("Could not connect");
    }

    @Test
    void somethingThatIsNotMysqlIsAConnectionErrorNotAHang() throws Exception {
        try (ServerSocket garbage = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread speaker = new Thread(
                    () -> {
                        while (!garbage.isClosed()) {
                            try (Socket s = garbage.accept();
                                    OutputStream out = s.getOutputStream()) {
                                out.write(
                                        "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n\u0000\u00ff\u0013garbage"
                                                .getBytes(StandardCharsets.ISO_8859_1));
                                out.flush();
                                Thread.sleep(200);
                            } catch (IOException | InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "garbage-server");
            speaker.setDaemon(true);
            speaker.start();
            long start = System.nanoTime();
            Throwable got = openFails(
                    dataSource(
                            "jdbc:mysql://127.0.0.1:" + garbage.getLocalPort()
                                    + "/?connectTimeout=2000&socketTimeout=2000",
                            "backup",
                            PASSWORD),
                    BackupOptions.defaults());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(got).isInstanceOf(ServerConnectionException.class);
        }
    }

    @Test
    void aPostgresqlUrlIsRefusedAndMaskedWithoutItsPassword() {
        Throwable got = openFails(
                dataSource("jdbc:postgresql://db1:5432/app?user=backup&password=" + PASSWORD, "backup", PASSWORD),
                BackupOptions.defaults());
        assertThat(got).isInstanceOf(ServerConnectionException.class).hasMessageContaining("password=***");
    }

    @Test
    void aWrongPasswordSaysAccessDeniedAndNeverShowsThePassword() {
        EmbeddedServer server = Servers.single(ServerDistribution.MYSQL_8_0_15);
        server.createUser("bad_input", "right_password_1", "RELOAD");
        Throwable got = openFails(dataSource(url(server), "bad_input", PASSWORD), BackupOptions.defaults());
        assertThat(got).isInstanceOf(ServerConnectionException.class).hasMessageContaining("Access denied");
        assertThat(((BackupException) got).vendorCode()).isEqualTo(1045);
    }

    /** The least-privilege grants README.md gives, per strategy; each one is needed. */
    static Stream<Arguments> grants() {
        return Stream.of(
                Arguments.of(
                        ServerDistribution.MYSQL_8_0_15,
                        "mysql-instance-lock",
                        List.of("BACKUP_ADMIN", "REPLICATION SLAVE", "SELECT")),
                Arguments.of(ServerDistribution.MYSQL_8_0_15, "ftwrl", List.of("RELOAD", "REPLICATION CLIENT")),
                Arguments.of(
                        ServerDistribution.MARIADB_11_4_5, "mariadb-backup-stage", List.of("RELOAD", "BINLOG MONITOR")),
                Arguments.of(ServerDistribution.MARIADB_11_4_5, "ftwrl", List.of("RELOAD", "BINLOG MONITOR")));
    }

    @ParameterizedTest(name = "{1} on {0}: {2}")
    @MethodSource("grants")
    void theDocumentedGrantsSufficeAndLackingAnyOneFailsBeforeAnyLock(
            ServerDistribution distribution, String strategy, List<String> grants) throws Exception {
        EmbeddedServer server = Servers.single(distribution);
        BackupOptions options = BackupOptions.builder().strategy(strategy).build();
        server.createUser("least", PASSWORD, grants.toArray(String[]::new));
        try (LogCapture log = new LogCapture();
                BackupSession s = BackupSession.open(dataSource(url(server), "least", PASSWORD), options)) {
            assertThat(s.coordinates().file()).startsWith("binlog");
            assertThat(log.text()).doesNotContain(PASSWORD);
        }
        for (String missing : grants) {
            List<String> fewer = new ArrayList<>(grants);
            fewer.remove(missing);
            server.createUser("least", PASSWORD, fewer.toArray(String[]::new));
            Throwable got = openFails(dataSource(url(server), "least", PASSWORD), options);
            assertThat(got)
                    .as("without %s", missing)
                    .isInstanceOfAny(MissingPrivilegeException.class, UnsupportedServerException.class)
                    .hasMessageContaining(missing)
                    .hasMessageContaining("Nothing was locked");
            assertNothingLocked(server);
        }
        server.execute("DROP USER 'least'@'%'");
    }

    private static void assertNothingLocked(EmbeddedServer server) {
        server.execute("CREATE DATABASE IF NOT EXISTS quiesce_fault");
        assertThat(ServerChecks.completesWithin(
                        server, "CREATE TABLE IF NOT EXISTS quiesce_fault.bad_input_probe (id INT)", 3_000))
                .isTrue();
        server.execute("DROP TABLE IF EXISTS quiesce_fault.bad_input_probe");
    }

    @Test
    void withTheBinaryLogOffTheSessionHoldsButCoordinatesSaySoPlainly() {
        try (EmbeddedServer server = EmbeddedServer.start(
                        ServerDistribution.MYSQL_8_0_15, ServerConfig.defaults().withBinaryLog(false));
                BackupSession s = BackupSession.open(server.dataSource())) {
            assertThatThrownBy(s::coordinates)
                    .isInstanceOf(CoordinatesUnavailableException.class)
                    .hasMessageContaining("log_bin");
        }
    }

    /**
     * auto steps aside from the instance lock for the MyISAM table, to table-locks where it is on the class path
     * (as here), and named, the FTWRL path: both give file and position with GTIDs off.
     */
    @Test
    void withGtidOffAndDelayKeyWriteAllTheFtwrlPathGivesFileAndPosition() {
        ServerConfig config = ServerConfig.defaults().withGtid(false).withArgs("--delay-key-write=ALL");
        try (EmbeddedServer server = EmbeddedServer.start(ServerDistribution.MYSQL_8_0_15, config)) {
            server.execute(
                    "CREATE DATABASE d",
                    "CREATE TABLE d.m (id INT PRIMARY KEY) ENGINE=MyISAM",
                    "INSERT INTO d.m VALUES (1), (2)");
            int id = 2;
            for (String named : List.of("auto", "ftwrl")) {
                BinlogCoordinates c;
                String strategy;
                try (BackupSession s = BackupSession.open(
                        server.dataSource(),
                        BackupOptions.builder().strategy(named).build())) {
                    c = s.coordinates();
                    strategy = s.strategy();
                    assertThat(ServerChecks.completesWithin(server, "INSERT INTO d.m VALUES (" + ++id + ")", 500))
                            .as("MyISAM writes wait")
                            .isFalse();
                }
                assertThat(strategy).isEqualTo(named.equals("auto") ? "table-locks" : "ftwrl");
                assertThat(c.gtidSet()).isEmpty();
                assertThat(c.file()).startsWith("binlog.");
                assertThat(c.position()).isPositive();
                assertThat(ServerChecks.completesWithin(server, "INSERT INTO d.m VALUES (" + ++id + ")", 3_000))
                        .isTrue();
            }
            assertThat(ServerChecks.count(server, "SELECT COUNT(*) FROM d.m")).isEqualTo(id);
        }
    }
}
