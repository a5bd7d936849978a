package io.github.quiesce.readonly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.quiesce.CoordinatesUnavailableException;
import io.github.quiesce.Flavor;
import io.github.quiesce.Privileges;
import io.github.quiesce.ReplicaSource;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.ServerVersion;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A replica that has applied nothing from its source (its IO thread cannot log in, or fetched nothing
 * yet) shows {@code Relay_Master_Log_File} empty and {@code Exec_Master_Log_Pos} 4: position 4 of no
 * file. That must never come back as the copy's source position.
 */
class ReplicaStatusTest {

    private static final ServerInfo REPLICA = new ServerInfo(
            Flavor.MYSQL,
            ServerVersion.parse("8.0.15"),
            "8.0.15",
            "",
            "db:3306",
            true,
            "ON",
            true,
            false,
            true,
            Privileges.unknown("'b'@'%'"),
            Map.of("version", "8.0.15"));
    private static final String GTIDS = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-42";

    @Test
    void nothingAppliedAndNoGtidsIsAnUnknownPointNotPositionFour() {
        ReplicaStatus status = new ReplicaStatus("10.0.0.1", 3306, "", 4, "", false, "");
        assertThatThrownBy(() -> status.source("", REPLICA))
                .isInstanceOf(CoordinatesUnavailableException.class)
                .hasMessageContaining("applied nothing from its source 10.0.0.1:3306");
    }

    @Test
    void nothingAppliedWithGtidsGivesTheGtidPointOnly() {
        ReplicaSource source = new ReplicaStatus("10.0.0.1", 3306, "", 4, GTIDS, false, "").source(GTIDS, REPLICA);
        assertThat(source.logFile()).isEmpty();
        assertThat(source.logPosition()).isZero();
        assertThat(source.changeSourceStatement()).isEmpty();
        assertThat(source.changeSourceByGtidStatement()).contains(GTIDS);
    }

    @Test
    void anAppliedPositionIsGivenAsItIs() {
        ReplicaSource source =
                new ReplicaStatus("10.0.0.1", 3306, "binlog.000007", 1234, GTIDS, true, "").source(GTIDS, REPLICA);
        assertThat(source.logFile()).isEqualTo("binlog.000007");
        assertThat(source.logPosition()).isEqualTo(1234);
        assertThat(source.changeSourceStatement()).contains("binlog.000007").contains("1234");
    }
}
