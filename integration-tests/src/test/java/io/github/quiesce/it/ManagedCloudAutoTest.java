package io.github.quiesce.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.LockNotAllowedException;
import io.github.quiesce.testkit.scripted.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Managed clouds, scripted as they answer (issue 17): Amazon RDS lists RELOAD for its master user yet refuses
 * {@code FLUSH TABLES WITH READ LOCK} with 1045 (mydumper #467); RDS and Aurora refuse
 * {@code LOCK INSTANCE FOR BACKUP} and {@code performance_schema.log_status} with 1227; Aurora MySQL 3 gives the
 * master user its privileges through a role, so {@code SHOW GRANTS} says nothing up front. {@code auto} must
 * treat each refusal as "not allowed here", say so, and end on {@code table-locks}; a refused lock named
 * explicitly is a {@link LockNotAllowedException} with the server's code. Every statement is checked.
 */
class ManagedCloudAutoTest {

    private static final String RDS_MASTER =
            "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, REFERENCES, INDEX,"
                    + " ALTER, SHOW DATABASES, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, REPLICATION SLAVE, REPLICATION CLIENT, CREATE VIEW,"
                    + " SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, CREATE USER, EVENT, TRIGGER ON *.* TO `admin`@`%` WITH GRANT OPTION";
    private static final String FTWRL = "FLUSH TABLES WITH READ LOCK";
    private static final String LOCK_TABLES = "LOCK TABLES `shop`.`order``lines` READ, `shop`.`orders` READ";

    /** RDS for MySQL 8.0 as its master user sees it, with two tables (one name needing its backtick doubled). */
    private static ScriptedServer rds() {
        return ScriptedServer.mysql8()
                .account("'admin'@'%'")
                .grants(RDS_MASTER)
                .fail(FTWRL, "28000", 1045, "Access denied for user 'admin'@'%' (using password: YES)")
                .fail(
                        "LOCK INSTANCE FOR BACKUP",
                        "42000",
                        1227,
                        "Access denied; you need (at least one of) the BACKUP_ADMIN privilege(s) for this operation")
                .answer(
                        "SELECT TABLE_SCHEMA AS table_schema",
                        ScriptedServer.Result.of(
                                List.of("table_schema", "table_name", "engine"),
                                List.of(
                                        List.of("shop", "order`lines", "InnoDB"),
                                        List.of("shop", "orders", "InnoDB"))));
    }

    /** Aurora MySQL 3: the privileges come through rds_superuser_role, and log_status is refused. */
    private static ScriptedServer aurora() {
        return rds().grants("GRANT USAGE ON *.* TO `admin`@`%`", "GRANT `rds_superuser_role`@`%` TO `admin`@`%`")
                .fail(
                        "SELECT 1 FROM performance_schema.log_status LIMIT 0",
                        "42000",
                        1227,
                        "Access denied; you need (at least one of) the BACKUP_ADMIN privilege(s) for this operation");
    }

    @Test
    void rdsRefusingFtwrlDespiteReloadIsATypedNotAllowedWithItsCode() {
        ScriptedServer server = rds();
        assertThatThrownBy(() -> BackupSession.open(
                        server.dataSource(),
                        BackupOptions.builder().strategy("ftwrl").build()))
                .isInstanceOfSatisfying(LockNotAllowedException.class, e -> {
                    assertThat(e.vendorCode()).isEqualTo(1045);
                    assertThat(e.statement()).isEqualTo(FTWRL);
                    assertThat(e.rolledBack()).contains("SET SESSION lock_wait_timeout = 31536000");
                })
                .hasMessageContaining("does not allow it to 'admin'@'%'")
                .hasMessageContaining("Nothing was locked");
        // A failed FTWRL can hold the global read lock on MySQL 8.0.15: UNLOCK TABLES follows at once.
        assertThat(server.statementsAfterProbe()).containsSubsequence(FTWRL, "UNLOCK TABLES");
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void autoOnRdsTakesTableLocksAndNeverTriesFtwrl() {
        ScriptedServer server = rds();
        List<String> chosen = new ArrayList<>();
        try (BackupSession s = BackupSession.open(
                server.dataSource(),
                BackupOptions.builder()
                        .listener(e -> {
                            if (e instanceof BackupEvent.StrategyChosen c) {
                                chosen.add(c.strategy());
                            }
                        })
                        .build())) {
            assertThat(s.strategy()).isEqualTo("table-locks");
            assertThat(s.coordinates().position()).isEqualTo(1234);
        }
        assertThat(chosen).containsExactly("table-locks");
        assertThat(server.statementsAfterProbe())
                .contains(LOCK_TABLES, "SHOW MASTER STATUS", "UNLOCK TABLES")
                .doesNotContain(FTWRL, "LOCK INSTANCE FOR BACKUP");
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void autoMovesOnFromEachRefusedLockSaysSoAndEndsWithTheLastRefusalTyped() {
        ScriptedServer server = rds().fail(
                        LOCK_TABLES,
                        "42000",
                        1142,
                        "LOCK TABLES command denied to user 'admin'@'10.0.0.7' for table 'orders'");
        List<String> chosen = new ArrayList<>();
        String err = captureStdErr(() -> assertThatThrownBy(() -> BackupSession.open(
                        server.dataSource(),
                        BackupOptions.builder()
                                .listener(e -> {
                                    if (e instanceof BackupEvent.StrategyChosen c) {
                                        chosen.add(c.strategy());
                                    }
                                })
                                .build()))
                .isInstanceOfSatisfying(LockNotAllowedException.class, e -> assertThat(e.vendorCode())
                        .isEqualTo(1045)));
        assertThat(chosen).containsExactly("table-locks", "ftwrl");
        assertThat(err)
                .contains("WARN")
                .contains("strategy 'table-locks' is not allowed here")
                .contains("error 1142")
                .contains("falling back to 'ftwrl'");
        assertThat(server.statementsAfterProbe())
                .containsSubsequence(LOCK_TABLES, "UNLOCK TABLES", FTWRL, "UNLOCK TABLES");
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void auroraRefusingLogStatusMakesAutoSkipTheInstanceLockAndTakeTableLocks() {
        ScriptedServer server = aurora();
        try (BackupSession s = BackupSession.open(server.dataSource())) {
            assertThat(s.strategy()).isEqualTo("table-locks");
            s.coordinates();
        }
        assertThat(server.statements()).contains("SELECT 1 FROM performance_schema.log_status LIMIT 0");
        assertThat(server.statementsAfterProbe())
                .contains(LOCK_TABLES)
                .doesNotContain("LOCK INSTANCE FOR BACKUP", FTWRL);
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void auroraRefusingTheInstanceLockItselfIsLoggedAndAutoFallsBackToTableLocks() {
        ScriptedServer server = aurora().succeed("SELECT 1 FROM performance_schema.log_status LIMIT 0");
        List<String> chosen = new ArrayList<>();
        String err = captureStdErr(() -> {
            try (BackupSession s = BackupSession.open(
                    server.dataSource(),
                    BackupOptions.builder()
                            .listener(e -> {
                                if (e instanceof BackupEvent.StrategyChosen c) {
                                    chosen.add(c.strategy());
                                }
                            })
                            .build())) {
                assertThat(s.strategy()).isEqualTo("table-locks");
            }
        });
        assertThat(chosen).containsExactly("mysql-instance-lock", "table-locks");
        assertThat(err)
                .contains("strategy 'mysql-instance-lock' is not allowed here")
                .contains("error 1227")
                .contains("falling back to 'table-locks'");
        assertThat(server.statementsAfterProbe())
                .containsSubsequence("LOCK INSTANCE FOR BACKUP", LOCK_TABLES, "UNLOCK TABLES")
                .doesNotContain("UNLOCK INSTANCE");
        assertThat(server.openConnections()).isZero();
    }

    static String captureStdErr(Runnable r) {
        PrintStream original = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(original);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
