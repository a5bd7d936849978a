package io.github.quiesce.spi.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.Flavor;
import io.github.quiesce.Privilege;
import io.github.quiesce.Privileges;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.ServerVersion;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogStatusTest {

    static ServerInfo server(Flavor flavor, String versionText) {
        return new ServerInfo(
                flavor,
                ServerVersion.parse(versionText),
                versionText,
                "",
                "db:3306",
                true,
                "ON",
                false,
                false,
                false,
                new Privileges("'b'@'%'", EnumSet.noneOf(Privilege.class), true, true),
                Map.of());
    }

    @Test
    void onlyVersionsKnownToBeFixedSkipTheVerification() {
        assertThat(LogStatus.mayDisagree(server(Flavor.MYSQL, "8.0.15"))).isTrue();
        assertThat(LogStatus.mayDisagree(server(Flavor.MYSQL, "8.0.41"))).isTrue();
        assertThat(LogStatus.mayDisagree(server(Flavor.MYSQL, "8.0.42"))).isFalse();
        assertThat(LogStatus.mayDisagree(server(Flavor.MYSQL, "8.4.0")))
                .as("not confirmed fixed on later lines")
                .isTrue();
        assertThat(LogStatus.mayDisagree(server(Flavor.PERCONA, "8.0.27-17"))).isTrue();
        assertThat(LogStatus.mayDisagree(server(Flavor.PERCONA, "8.0.27-18"))).isFalse();
        assertThat(LogStatus.mayDisagree(server(Flavor.PERCONA, "8.0.36-28"))).isFalse();
    }

    @Test
    void verificationNeedsReplicationSlaveOnlyWhereItRuns() {
        assertThat(LogStatus.requirements(server(Flavor.MYSQL, "8.0.15")))
                .singleElement()
                .satisfies(r -> assertThat(r.anyOf()).containsExactly(Privilege.REPLICATION_SLAVE));
        assertThat(LogStatus.requirements(server(Flavor.MYSQL, "8.0.42"))).isEmpty();
    }

    @Test
    void parsesTheLocalColumn() {
        String local =
                "{\"gtid_executed\": \"3e11fa47-71ca-11e1-9e33-c80aa9429562:1-12,\\n4f22fa47-71ca-11e1-9e33-c80aa9429562:1-3\","
                        + " \"binary_log_file\": \"binlog.000002\", \"binary_log_position\": 3554}";
        assertThat(LogStatus.parse(local, server(Flavor.MYSQL, "8.0.15")).toString())
                .isEqualTo(
                        "binlog.000002:3554 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-12,4f22fa47-71ca-11e1-9e33-c80aa9429562:1-3");
    }
}
