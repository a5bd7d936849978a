package io.github.quiesce.instancelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.UnsupportedServerException;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.Writers;
import io.github.quiesce.testkit.contract.BlocksDdlOnlyContract;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InstanceLockMySql8IT extends BlocksDdlOnlyContract {

    @Override
    protected ServerDistribution distribution() {
        return ServerDistribution.MYSQL_8_0_15;
    }

    @Override
    protected String strategyName() {
        return InstanceLockStrategy.NAME;
    }

    /** 8.0.15 is affected by Bug #102175: every one of these reads must have been verified or corrected. */
    @Override
    protected int agreementSessions() {
        return 100;
    }

    @Test
    void autoPrefersTheInstanceLockAndHoldsABackupLockNotAGlobalReadLock() {
        try (BackupSession s = BackupSession.open(server.dataSource())) {
            assertThat(s.strategy()).isEqualTo(InstanceLockStrategy.NAME);
            assertThat(ServerChecks.count(
                            server,
                            "SELECT COUNT(*) FROM performance_schema.metadata_locks"
                                    + " WHERE OBJECT_TYPE = 'BACKUP LOCK' AND LOCK_STATUS = 'GRANTED'"))
                    .isEqualTo(1);
            assertThat(ServerChecks.count(
                            server,
                            "SELECT COUNT(*) FROM performance_schema.metadata_locks"
                                    + " WHERE OBJECT_TYPE IN ('GLOBAL', 'COMMIT') AND LOCK_STATUS = 'GRANTED'"))
                    .isZero();
        }
        assertThat(ServerChecks.globalMetadataLocks(server)).isZero();
    }

    @Test
    void aNonInnoDbTableMakesAutoStepAsideAndANamedInstanceLockFailWithTheList() {
        String table = uniqueTable("isam");
        server.execute("CREATE TABLE " + SCHEMA + "." + table + " (id INT PRIMARY KEY) ENGINE=MyISAM");
        try {
            try (BackupSession s = BackupSession.open(server.dataSource())) {
                assertThat(s.strategy())
                        .as("auto must not use the instance lock with MyISAM data")
                        .isEqualTo("ftwrl");
            }
            assertThatThrownBy(() ->
                            BackupSession.open(server.dataSource(), options().build()))
                    .isInstanceOf(UnsupportedServerException.class)
                    .hasMessageContaining(SCHEMA + "." + table + " (MyISAM)")
                    .hasMessageContaining(InstanceLockStrategy.ACCEPT_NON_TRANSACTIONAL_TABLES.name());
            BackupOptions accepting = options()
                    .set(InstanceLockStrategy.ACCEPT_NON_TRANSACTIONAL_TABLES, true)
                    .build();
            try (BackupSession s = BackupSession.open(server.dataSource(), accepting)) {
                assertThat(s.strategy()).isEqualTo(InstanceLockStrategy.NAME);
            }
        } finally {
            server.execute("DROP TABLE " + SCHEMA + "." + table);
        }
        assertThat(ServerChecks.globalMetadataLocks(server)).isZero();
    }

    @Test
    void withoutReloadSnapshotsOpenBetweenTwoIdenticalReadsOnAQuietServer() throws Exception {
        server.createUser("no_reload", "Pw_no_reload1", "BACKUP_ADMIN", "REPLICATION SLAVE", "SELECT");
        try (HikariDataSource pool = server.pooledDataSource("no_reload", "Pw_no_reload1", 4)) {
            List<Connection> snapshots;
            try (BackupSession s = BackupSession.open(pool, options().build())) {
                snapshots = s.snapshotConnections(2);
                assertThat(s.coordinates().gtidSet()).isEqualTo(currentGtidSet().replaceAll("\\s+", ""));
            }
            for (Connection c : snapshots) {
                c.close();
            }
            assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
        } finally {
            server.execute("DROP USER IF EXISTS 'no_reload'@'%'");
        }
    }

    /** FTWRL would queue behind the long query and then leave its table waiting for a flush: it must not be used. */
    @Test
    void aLongQueryMakesSnapshotsAvoidTheBriefGlobalReadLockAndWritersNeverWait() throws Exception {
        String table = uniqueTable("long_query");
        Writers.createTable(server, SCHEMA, table);
        server.execute("INSERT INTO " + SCHEMA + "." + table + " (writer, seq) VALUES (0, 0)");
        CompletableFuture<Long> longQuery =
                ServerChecks.runAsync(server, "SELECT SLEEP(4), COUNT(*) FROM " + SCHEMA + "." + table);
        Thread.sleep(1_300);
        List<Connection> snapshots;
        try (BackupSession s = BackupSession.open(server.dataSource(), options().build())) {
            snapshots = s.snapshotConnections(2);
            assertThat(ServerChecks.completesWithin(
                            server, "INSERT INTO " + SCHEMA + "." + table + " (writer, seq) VALUES (0, 1)", 1_000))
                    .as("a write to the long-queried table does not wait")
                    .isTrue();
        }
        for (Connection c : snapshots) {
            try (c) {
                assertThat(count(c, table))
                        .as("the snapshot is from before the second insert")
                        .isEqualTo(1);
            }
        }
        assertThat(longQuery).as("the long query was left alone").isNotDone();
        assertThat(ServerChecks.globalMetadataLocks(server)).isZero();
        longQuery.get(10, TimeUnit.SECONDS);
    }
}
