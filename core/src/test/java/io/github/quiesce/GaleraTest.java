package io.github.quiesce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Galera value types: parsing the status loudly, the behaviour methods' version gates, the position's text. */
class GaleraTest {

    private static final String UUID = "58338d84-e646-11f1-9400-ba8ebf84b74e";

    static Map<String, String> status(String comment, int state, long queue) {
        Map<String, String> m = new HashMap<>();
        m.put("wsrep_cluster_status", "Primary");
        m.put("wsrep_cluster_size", "2");
        m.put("wsrep_local_state", String.valueOf(state));
        m.put("wsrep_local_state_comment", comment);
        m.put("wsrep_local_recv_queue", String.valueOf(queue));
        m.put("wsrep_ready", "ON");
        m.put("wsrep_local_state_uuid", UUID);
        m.put("wsrep_last_committed", "33145");
        return m;
    }

    @Test
    void aStatusWithoutALocalStateIsNoGaleraNode() {
        assertThat(GaleraState.of(Map.of("wsrep_ready", "OFF"))).isEmpty();
    }

    @Test
    void readyMeansSyncedPrimaryReadyAndAShortQueue() {
        GaleraState synced = GaleraState.of(status("Synced", 4, 25)).orElseThrow();
        assertThat(synced.readyToLock(100)).isTrue();
        assertThat(synced.readyToLock(24)).isFalse();
        GaleraState desynced = GaleraState.of(status("Donor/Desynced", 2, 0)).orElseThrow();
        assertThat(desynced.readyToLock(100)).isFalse();
        Map<String, String> nonPrimary = status("Synced", 4, 0);
        nonPrimary.put("wsrep_cluster_status", "non-Primary");
        assertThat(GaleraState.of(nonPrimary).orElseThrow().readyToLock(100)).isFalse();
        assertThat(GaleraState.of(status("Joined", 3, 30_000)).orElseThrow().describe())
                .isEqualTo("Joined, 30,000 write-sets queued, Primary component of 2 nodes");
    }

    @Test
    void aValueGaleraWouldNeverPrintFailsLoudly() {
        Map<String, String> m = status("Synced", 4, 0);
        m.put("wsrep_local_recv_queue", "lots");
        assertThatThrownBy(() -> GaleraState.of(m))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wsrep_local_recv_queue");
    }

    @Test
    void thePositionIsUuidColonSeqno() {
        GaleraPosition p =
                GaleraState.of(status("Synced", 4, 0)).orElseThrow().position().orElseThrow();
        assertThat(p).hasToString(UUID + ":33145");
        assertThatThrownBy(() -> new GaleraPosition("not-a-uuid", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new GaleraPosition(UUID, -1).seqno()).isEqualTo(-1);
    }

    @ParameterizedTest(name = "MariaDB {0}: BACKUP STAGE desyncs by itself: {1}")
    @CsvSource({
        "10.4.21, false",
        "10.4.22, true",
        "10.5.12, false",
        "10.5.13, true",
        "10.6.4, false",
        "10.6.5, true",
        "10.11.19, true",
        "11.4.5, true"
    })
    void backupStageDesyncsFromTheReleasesWithMdev23080(String version, boolean desyncs) {
        GaleraNode node = new GaleraNode(
                GaleraNode.Kind.MARIADB_GALERA,
                "Galera",
                "4.23",
                ServerVersion.parse(version),
                false,
                "",
                GaleraState.of(status("Synced", 4, 0)).orElseThrow());
        assertThat(node.backupStageDesyncsAndPauses()).isEqualTo(desyncs);
        assertThat(node.globalReadLockDesyncsAndPauses()).isTrue();
        assertThat(node.backupLocksPauseTheNode()).isFalse();
    }

    @Test
    void coordinatesKeepTheirOldConstructorsAndCarryThePositionWhenGiven() {
        BinlogCoordinates plain = new BinlogCoordinates("binlog.000002", 713, "0-1-2");
        assertThat(plain.galeraPosition()).isEmpty();
        assertThat(new BinlogCoordinates("binlog.000002", 713, "0-1-2", null)).isEqualTo(plain);
        BinlogCoordinates withGalera = plain.withGalera(new GaleraPosition(UUID, 4));
        assertThat(withGalera).hasToString("binlog.000002:713 0-1-2 galera " + UUID + ":4");
        assertThat(withGalera.galeraPosition().orElseThrow().seqno()).isEqualTo(4);
    }
}
