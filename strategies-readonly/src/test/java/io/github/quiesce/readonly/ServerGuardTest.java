package io.github.quiesce.readonly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.quiesce.Flavor;
import io.github.quiesce.ServerInfo;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What goes into the guard's body is numbers and its own validated name, never text from elsewhere. */
class ServerGuardTest {

    private static final ServerInfo MYSQL_8_0_15 = ReplicaServers.replica(Flavor.MYSQL, "8.0.15");
    private static final ServerInfo MYSQL_8_0_22 = ReplicaServers.replica(Flavor.MYSQL, "8.0.22");
    private static final ServerInfo MARIADB_11_4 = ReplicaServers.replica(Flavor.MARIADB, "11.4.5");

    @Test
    void theNameIsTheBootTimeAndTheLockConnectionAndNothingElse() {
        assertThat(ServerGuard.Name.of(1795331661L, 57).qualified()).isEqualTo("mysql.quiesce_guard_1795331661_57");
        assertThat(ServerGuard.parseName("mysql.quiesce_guard_1795331661_57"))
                .contains("mysql.quiesce_guard_1795331661_57");
        assertThat(ServerGuard.parseName("mysql.quiesce_guard_1_2; DROP DATABASE x"))
                .isEmpty();
        assertThat(ServerGuard.parseName("other.quiesce_guard_1_2")).isEmpty();
        assertThat(ServerGuard.parseName(null)).isEmpty();
        assertThatThrownBy(() -> ServerGuard.Name.of(-1, 57)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServerGuard.dropStatement("mysql.x`; DROP TABLE t"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theBodyRestoresOnlyWhatThePlanSaysInTheServersSpelling() {
        ServerGuard.Name name = ServerGuard.Name.of(1795331661L, 57);
        String both = ServerGuard.createStatement(MYSQL_8_0_15, name, new ServerGuard.Plan(true, true));
        assertThat(both)
                .startsWith(
                        "CREATE EVENT mysql.quiesce_guard_1795331661_57 ON SCHEDULE EVERY 1 SECOND ON COMPLETION NOT PRESERVE")
                .contains(
                        "SET SESSION sql_log_bin = 0;",
                        "WHERE ID = 57)",
                        "> 1795331661 + 10",
                        "@@GLOBAL.super_read_only = 0 THEN SET GLOBAL read_only = 0",
                        "START SLAVE SQL_THREAD;",
                        "performance_schema.global_status");
        // sql_log_bin is off before anything, the guard drops itself before it changes anything
        assertThat(both.indexOf("sql_log_bin = 0")).isLessThan(both.indexOf("DROP EVENT"));
        assertThat(both.lastIndexOf("DROP EVENT")).isLessThan(both.indexOf("SET GLOBAL read_only"));
        // It acts only if it still exists once the connection is gone (a clean release drops it first),
        // checked in that order, each inside the one before
        String connectionGone = "ELSEIF NOT EXISTS (SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = 57) THEN";
        String stillThere = "IF EXISTS (SELECT 1 FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'mysql'"
                + " AND EVENT_NAME = 'quiesce_guard_1795331661_57') THEN DROP EVENT";
        assertThat(both).contains(connectionGone, stillThere);
        assertThat(both.indexOf(connectionGone)).isLessThan(both.indexOf(stillThere));
        assertThat(both.indexOf(stillThere)).isLessThan(both.indexOf("SET GLOBAL read_only"));
        // A stored program's DECLARE comes first: a drop that lost the race to super_read_only ends the run
        // quietly, before any restore
        assertThat(both).contains("DO BEGIN DECLARE EXIT HANDLER FOR 1290 BEGIN END; SET SESSION sql_log_bin = 0;");

        assertThat(ServerGuard.createStatement(MYSQL_8_0_22, name, new ServerGuard.Plan(false, true)))
                .contains("START REPLICA SQL_THREAD;", "IF @@GLOBAL.super_read_only = 0 THEN")
                .doesNotContain("SET GLOBAL read_only");
        assertThat(ServerGuard.createStatement(MARIADB_11_4, name, new ServerGuard.Plan(true, false)))
                .contains("IF @@GLOBAL.read_only = 1 THEN SET GLOBAL read_only = 0", "information_schema.GLOBAL_STATUS")
                .doesNotContain("super_read_only", "SQL_THREAD", "HANDLER");
    }

    @Test
    void theLockConnectionOutlivesMaxLockHoldByTheGraceOnly() {
        assertThat(ServerGuard.waitTimeoutSeconds(Duration.ofHours(1))).isEqualTo(3600 + 5);
        assertThat(ServerGuard.waitTimeoutSeconds(Duration.ofMillis(700))).isEqualTo(1 + 5);
        assertThat(ServerGuard.waitTimeoutSeconds(Duration.ofDays(30))).isLessThan(31_536_000);
    }
}
