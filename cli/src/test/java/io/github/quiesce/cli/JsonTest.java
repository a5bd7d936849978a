package io.github.quiesce.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.ReplicaSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the CLI prints and writes for a replica with one source, and with several. */
class JsonTest {

    private static final BinlogCoordinates OWN = new BinlogCoordinates("binlog.000003", 77, "");

    @TempDir
    Path dir;

    @Test
    void oneSourceKeepsTheFlatFields() {
        BinlogCoordinates c = OWN.withSource(new ReplicaSource("h1", 3306, "binlog.000001", 120, "", "CHANGE 1;", ""));
        assertThat(Json.object(Json.coordinates("read-only", c)))
                .contains("\"sourceHost\":\"h1\"", "\"sourceLogPosition\":120", "\"changeSource\":\"CHANGE 1;\"")
                .doesNotContain("replicaSources");
    }

    @Test
    void severalSourcesAreAnArrayAndOneLineEachInTheSlaveInfo() throws Exception {
        BinlogCoordinates c = OWN.withSources(List.of(
                new ReplicaSource("a", "h1", 3306, "binlog.000001", 120, "", "CHANGE a;", ""),
                new ReplicaSource("b", "h2", 3307, "binlog.000009", 4711, "g", "CHANGE b;", "SET g; CHANGE b;")));
        String json = Json.object(Json.coordinates("read-only", c));
        assertThat(json)
                .doesNotContain("\"sourceHost\"")
                .contains("\"replicaSources\":[{\"channel\":\"a\",\"host\":\"h1\",\"port\":3306,"
                        + "\"logFile\":\"binlog.000001\",\"logPosition\":120,\"gtidSet\":\"\","
                        + "\"changeSource\":\"CHANGE a;\",\"changeSourceByGtid\":\"\"},{\"channel\":\"b\"");
        MetaFiles.write(dir, json, c);
        assertThat(Files.readAllLines(dir.resolve("xtrabackup_slave_info")))
                .containsExactly("CHANGE a;", "SET g; CHANGE b;");
    }

    /** MySQL 8.3+ tagged GTIDs pass through to the files restore scripts read, as the server printed them. */
    @Test
    void aTaggedGtidSetReachesTheBinlogInfoAsItIs() throws Exception {
        String tagged = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-42:mysqlsh:1-7";
        BinlogCoordinates c = new BinlogCoordinates("binlog.000005", 999, tagged);
        MetaFiles.write(dir, Json.object(Json.coordinates("mysql-instance-lock", c)), c);
        assertThat(Files.readString(dir.resolve("xtrabackup_binlog_info")))
                .isEqualTo("binlog.000005\t999\t" + tagged + "\n");
        assertThat(Files.readString(dir.resolve("quiesce_coordinates.json")))
                .contains("\"gtidSet\":\"" + tagged + "\"");
    }
}
