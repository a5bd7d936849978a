package io.github.quiesce.readonly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.quiesce.CoordinatesUnavailableException;
import io.github.quiesce.Flavor;
import io.github.quiesce.ReplicaSource;
import io.github.quiesce.ServerInfo;
import org.junit.jupiter.api.Test;

/**
 * A replica that has applied nothing from its source (its IO thread cannot log in, or fetched nothing
 * yet) shows {@code Relay_Master_Log_File} empty and {@code Exec_Master_Log_Pos} 4: position 4 of no
 * file. That must never come back as the copy's source position.
 */
class ReplicaStatusTest {

    private static final ServerInfo REPLICA = ReplicaServers.replica(Flavor.MYSQL, "8.0.15");
    private static final String GTIDS = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-42";

    @Test
    void nothingAppliedAndNoGtidsIsAnUnknownPointNotPositionFour() {
        ReplicaStatus status = new ReplicaStatus("", "10.0.0.1", 3306, "", 4, "", false, "");
        assertThatThrownBy(() -> status.source("", REPLICA, true))
                .isInstanceOf(CoordinatesUnavailableException.class)
                .hasMessageContaining("applied nothing from its source 10.0.0.1:3306");
    }

    @Test
    void nothingAppliedWithGtidsGivesTheGtidPointOnly() {
        ReplicaSource source =
                new ReplicaStatus("", "10.0.0.1", 3306, "", 4, GTIDS, false, "").source(GTIDS, REPLICA, true);
        assertThat(source.logFile()).isEmpty();
        assertThat(source.logPosition()).isZero();
        assertThat(source.changeSourceStatement()).isEmpty();
        assertThat(source.changeSourceByGtidStatement()).contains(GTIDS);
    }

    @Test
    void anAppliedPositionIsGivenAsItIs() {
        ReplicaSource source = new ReplicaStatus("", "10.0.0.1", 3306, "binlog.000007", 1234, GTIDS, true, "")
                .source(GTIDS, REPLICA, true);
        assertThat(source.logFile()).isEqualTo("binlog.000007");
        assertThat(source.logPosition()).isEqualTo(1234);
        assertThat(source.changeSourceStatement()).contains("binlog.000007").contains("1234");
    }

    @Test
    void aChannelThatFetchedNothingSaysWhichOne() {
        ReplicaStatus status = new ReplicaStatus("b", "10.0.0.2", 3307, "", 4, "", true, "");
        assertThatThrownBy(() -> status.source("", REPLICA, true))
                .isInstanceOf(CoordinatesUnavailableException.class)
                .hasMessageContaining("applied nothing from its source 'b' 10.0.0.2:3307");
    }

    /** The text is what the server's own grammar takes for a named channel: MySQL appends FOR CHANNEL, MariaDB names the connection. */
    @Test
    void eachChannelsTextNamesItsChannel() {
        ReplicaStatus a = new ReplicaStatus("a", "10.0.0.1", 3306, "binlog.000007", 1234, GTIDS, true, "");
        assertThat(a.source(GTIDS, REPLICA, true).changeSourceStatement())
                .isEqualTo("CHANGE MASTER TO MASTER_HOST='10.0.0.1', MASTER_PORT=3306, MASTER_LOG_FILE='binlog.000007',"
                        + " MASTER_LOG_POS=1234 FOR CHANNEL 'a';");
        assertThat(a.source(GTIDS, REPLICA, true).changeSourceByGtidStatement())
                .endsWith("MASTER_AUTO_POSITION=1 FOR CHANNEL 'a';");
        assertThat(a.source(GTIDS, ReplicaServers.replica(Flavor.MYSQL, "8.4.3"), true)
                        .changeSourceStatement())
                .startsWith("CHANGE REPLICATION SOURCE TO ")
                .endsWith("SOURCE_LOG_POS=1234 FOR CHANNEL 'a';");
        ReplicaStatus m = new ReplicaStatus("b", "10.0.0.2", 3307, "mariadb-bin.000002", 99, "", true, "");
        ServerInfo mariaDb = ReplicaServers.replica(Flavor.MARIADB, "11.4.5");
        assertThat(m.source("1-2-30", mariaDb, true).changeSourceStatement())
                .isEqualTo("CHANGE MASTER 'b' TO MASTER_HOST='10.0.0.2', MASTER_PORT=3307,"
                        + " MASTER_LOG_FILE='mariadb-bin.000002', MASTER_LOG_POS=99;");
        assertThat(m.source("1-2-30", mariaDb, true).changeSourceByGtidStatement())
                .isEqualTo("SET GLOBAL gtid_slave_pos = '1-2-30'; CHANGE MASTER 'b' TO MASTER_HOST='10.0.0.2',"
                        + " MASTER_PORT=3307, MASTER_USE_GTID=slave_pos;");
        assertThat(m.source("1-2-30", mariaDb, true).channel()).isEqualTo("b");
    }

    @Test
    void aChannelNameIsQuotedAsALiteral() {
        ReplicaStatus odd = new ReplicaStatus("it's", "h", 3306, "f", 4, "", true, "");
        assertThat(odd.source("", REPLICA, true).changeSourceStatement()).endsWith("FOR CHANNEL 'it''s';");
    }

    /** A running MySQL multi-threaded applier shows its last checkpoint: the GTID set alone is the point. */
    @Test
    void aPositionThatTrailsTheDataIsWithheldForTheGtidSet() {
        ReplicaStatus mts = new ReplicaStatus("", "10.0.0.1", 3306, "binlog.000007", 1234, GTIDS, true, "");
        ReplicaSource source = mts.source(GTIDS, REPLICA, false);
        assertThat(source.logFile()).isEmpty();
        assertThat(source.changeSourceStatement()).isEmpty();
        assertThat(source.changeSourceByGtidStatement()).contains(GTIDS);
        assertThatThrownBy(() -> mts.source("", REPLICA, false))
                .isInstanceOf(CoordinatesUnavailableException.class)
                .hasMessageContaining("last checkpoint")
                .hasMessageContaining("STOP_REPLICA_SQL_THREAD");
    }
}
