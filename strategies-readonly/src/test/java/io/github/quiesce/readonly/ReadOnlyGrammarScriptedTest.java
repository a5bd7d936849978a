package io.github.quiesce.readonly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.CoordinatesUnavailableException;
import io.github.quiesce.ReplicaSource;
import io.github.quiesce.UnsupportedServerException;
import io.github.quiesce.testkit.scripted.ScriptedServer;
import io.github.quiesce.testkit.scripted.ScriptedServer.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code read-only} on servers that cannot run here, held to their documented grammar: MySQL 8.2 added
 * {@code SHOW BINARY LOG STATUS}, 8.4 removed {@code SHOW MASTER STATUS}, {@code SHOW SLAVE STATUS},
 * {@code START/STOP SLAVE} and {@code CHANGE MASTER} (the scripted server answers them with error 1064, as
 * 8.4 does), 8.3 added tagged GTIDs; multi-source replicas on both flavours.
 */
class ReadOnlyGrammarScriptedTest {

    private static final String UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    /** As an InnoDB Cluster member of 8.3+ prints it: the AdminAPI writes the mysqlsh tag. */
    private static final String TAGGED = UUID + ":1-42:mysqlsh:1-7";

    @TempDir
    Path journals;

    private BackupOptions.Builder readOnly() {
        return BackupOptions.builder()
                .strategy(ReadOnlyStrategy.NAME)
                .journalDirectory(journals)
                .lockWaitTimeout(Duration.ofSeconds(5));
    }

    private static ScriptedServer mysql(String version) {
        return ScriptedServer.mysql8()
                .variable("version", version)
                .binlog("binlog.000005", 999, TAGGED)
                .answer(
                        ReadOnlyStrategy.BOTH_STATES,
                        Result.of(List.of("read_only", "super_read_only"), List.of(List.of("0", "0"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.4.3", "9.1.0"})
    void mysql84AndLaterGiveEveryChannelWithItsTaggedSetInTheNewGrammar(String version) {
        ScriptedServer server = mysql(version)
                .replicaChannel("a", "10.0.0.1", 3306, "binlog.000007", 1234)
                .replicaChannel("b", "10.0.0.2", 3307, "binlog.000002", 55);
        BinlogCoordinates c;
        try (BackupSession s =
                BackupSession.open(server.dataSource(), readOnly().build())) {
            c = s.coordinates();
        }
        assertThat(c.gtidSet()).isEqualTo(TAGGED);
        assertThat(c.replicaSources()).extracting(ReplicaSource::channel).containsExactly("a", "b");
        assertThat(c.replicaSources()).extracting(ReplicaSource::gtidSet).containsOnly(TAGGED);
        ReplicaSource a = c.replicaSources().get(0);
        assertThat(a.changeSourceStatement())
                .isEqualTo("CHANGE REPLICATION SOURCE TO SOURCE_HOST='10.0.0.1', SOURCE_PORT=3306,"
                        + " SOURCE_LOG_FILE='binlog.000007', SOURCE_LOG_POS=1234 FOR CHANNEL 'a';");
        assertThat(a.changeSourceByGtidStatement())
                .isEqualTo("SET GLOBAL gtid_purged = '" + TAGGED + "'; CHANGE REPLICATION SOURCE TO"
                        + " SOURCE_HOST='10.0.0.1', SOURCE_PORT=3306, SOURCE_AUTO_POSITION=1 FOR CHANNEL 'a';");
        assertThat(c.replicaSources().get(1).changeSourceStatement()).endsWith("FOR CHANNEL 'b';");
        assertThat(server.statements())
                .contains("SHOW BINARY LOG STATUS", "SHOW REPLICA STATUS", "SET GLOBAL read_only = ON")
                .noneMatch(s -> s.contains("MASTER") || s.contains("SLAVE"));
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void mysql82AlreadyTakesTheNewSpellings() {
        ScriptedServer server = mysql("8.2.0").replicaChannel("", "10.0.0.1", 3306, "binlog.000007", 1234);
        try (BackupSession s =
                BackupSession.open(server.dataSource(), readOnly().build())) {
            assertThat(s.coordinates().replicaSource().orElseThrow().changeSourceStatement())
                    .isEqualTo("CHANGE REPLICATION SOURCE TO SOURCE_HOST='10.0.0.1', SOURCE_PORT=3306,"
                            + " SOURCE_LOG_FILE='binlog.000007', SOURCE_LOG_POS=1234;");
        }
        assertThat(server.statements()).contains("SHOW BINARY LOG STATUS").doesNotContain("SHOW MASTER STATUS");
    }

    @Test
    void stoppingTheSqlThreadOn84SaysReplica() {
        ScriptedServer server = mysql("8.4.3").replicaChannel("", "10.0.0.1", 3306, "binlog.000007", 1234);
        try (BackupSession s = BackupSession.open(
                server.dataSource(),
                readOnly().set(ReadOnlyStrategy.STOP_REPLICA_SQL_THREAD, true).build())) {
            s.coordinates();
        }
        assertThat(server.statements())
                .containsSubsequence(
                        "STOP REPLICA SQL_THREAD",
                        "FLUSH TABLES WITH READ LOCK",
                        "UNLOCK TABLES",
                        "START REPLICA SQL_THREAD");
    }

    /** STOP/START ... SQL_THREAD without a channel would start channels that were stopped: refused before anything changes. */
    @Test
    void stoppingTheSqlThreadOfAMultiSourceReplicaIsRefusedBeforeAnythingChanges() {
        ScriptedServer server = mysql("8.4.3")
                .replicaChannel("a", "10.0.0.1", 3306, "binlog.000007", 1234)
                .replicaChannel("b", "10.0.0.2", 3307, "binlog.000002", 55);
        assertThatThrownBy(() -> BackupSession.open(
                        server.dataSource(),
                        readOnly()
                                .set(ReadOnlyStrategy.STOP_REPLICA_SQL_THREAD, true)
                                .build()))
                .isInstanceOf(UnsupportedServerException.class)
                .hasMessageContaining("2 sources");
        assertThat(server.statements())
                .noneMatch(s -> s.startsWith("SET GLOBAL") || s.startsWith("STOP") || s.startsWith("FLUSH"));
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void mariaDbReadsEveryNamedConnection() {
        ScriptedServer server = ScriptedServer.mariadb11()
                .variable("gtid_slave_pos", "1-10-5,2-11-9")
                .answer(ReadOnlyStrategy.READ_ONLY_STATE, Result.of(List.of("read_only"), List.of(List.of("0"))))
                .replicaChannel("a", "10.0.0.1", 3306, "mariadb-bin.000003", 700)
                .replicaChannel("b", "10.0.0.2", 3307, "mariadb-bin.000001", 330);
        BinlogCoordinates c;
        try (BackupSession s =
                BackupSession.open(server.dataSource(), readOnly().build())) {
            c = s.coordinates();
        }
        assertThat(c.replicaSources()).extracting(ReplicaSource::channel).containsExactly("a", "b");
        assertThat(c.replicaSources()).extracting(ReplicaSource::gtidSet).containsOnly("1-10-5,2-11-9");
        assertThat(c.replicaSources().get(1).changeSourceStatement())
                .isEqualTo("CHANGE MASTER 'b' TO MASTER_HOST='10.0.0.2', MASTER_PORT=3307,"
                        + " MASTER_LOG_FILE='mariadb-bin.000001', MASTER_LOG_POS=330;");
        assertThat(server.statements()).contains("SHOW ALL REPLICAS STATUS").doesNotContain("SHOW REPLICA STATUS");
    }

    @Test
    void aChannelThatAppliedNothingWithoutGtidsIsUnknownNotPositionFour() {
        ScriptedServer server = mysql("8.4.3")
                .variable("gtid_mode", "OFF")
                .binlog("binlog.000005", 999, "")
                .replicaChannel("a", "10.0.0.1", 3306, "binlog.000007", 1234)
                .replicaChannel("b", "10.0.0.2", 3307, "", 4);
        try (BackupSession s =
                BackupSession.open(server.dataSource(), readOnly().build())) {
            assertThatThrownBy(s::coordinates)
                    .isInstanceOf(CoordinatesUnavailableException.class)
                    .hasMessageContaining("'b' 10.0.0.2:3307");
        }
        assertThat(server.statements()).contains("SET GLOBAL read_only = OFF", "UNLOCK TABLES");
    }
}
