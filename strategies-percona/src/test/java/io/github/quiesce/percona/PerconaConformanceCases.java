package io.github.quiesce.percona;

import static io.github.quiesce.percona.MtrError.ER_BAD_TABLE_ERROR;
import static io.github.quiesce.percona.MtrError.ER_CANT_EXECUTE_WITH_BACKUP_LOCK;
import static io.github.quiesce.percona.MtrError.ER_INCORRECT_GLOBAL_LOCAL_VAR;
import static io.github.quiesce.percona.MtrError.ER_LOCK_OR_ACTIVE_TRANSACTION;
import static io.github.quiesce.percona.MtrError.ER_LOCK_WAIT_TIMEOUT;
import static io.github.quiesce.percona.MtrError.ER_OPTION_PREVENTS_STATEMENT;
import static io.github.quiesce.percona.MtrError.ER_QUERY_INTERRUPTED;
import static io.github.quiesce.percona.MtrError.ER_SPECIFIC_ACCESS_DENIED_ERROR;
import static io.github.quiesce.percona.MtrError.ER_TABLE_EXISTS_ERROR;
import static io.github.quiesce.percona.PerconaGeneration.PS_80;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.percona.ConformanceTarget.Requirement;
import io.github.quiesce.percona.Mtr.Con;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The conformance cases: each replays one assertion of Percona Server's MTR suite and names it as
 * {@code path:line} in the generation's tree, so that anyone can check it against Percona's sources:
 * <ul>
 *   <li>5.7: Percona Server 5.7.22-22, as kept in github.com/gaopengcarl/percona-server-locks-detail-5.7.22
 *       (mysql-test/t/backup_locks.test, mysql-test/include/backup_locks_binlog.inc run by
 *       backup_locks_binlog_row.test, mysql-test/r/backup_locks_mysqldump.result, ...);</li>
 *   <li>8.0: Percona Server 8.0.27-18, as kept in github.com/session-replay-tools/percona-server-8.0.27-18
 *       (mysql-test/include/backup_locks.inc run by backup_locks.test with $engine=innodb,
 *       mysql-test/r/backup_locks_mysqldump.result, suite/rpl/t/rpl_perfschema_log_status.test, ...).</li>
 * </ul>
 * Where a case departs from the MTR lines (a client connection standing in for a replica's applier thread,
 * a literal in place of an MTR variable, a setting the case does not need left out), its text says so.
 * Every case first creates backup_locks.test's tables (its "Setup" section).
 */
final class PerconaConformanceCases {

    /** backup_locks.test:20-25 (5.7), backup_locks.inc:25-30 (8.0, $engine=innodb). */
    static final List<String> SETUP = List.of(
            "CREATE TABLE t_innodb(a INT NOT NULL, KEY (a)) ENGINE=InnoDB",
            "CREATE TABLE t_myisam(a INT NOT NULL, KEY (a)) ENGINE=MyISAM",
            "CREATE TABLE t_memory(a INT NOT NULL, KEY (a)) ENGINE=MEMORY",
            "CREATE TABLE t_csv(a INT NOT NULL) ENGINE=CSV",
            "CREATE TABLE t_blackhole(a INT NOT NULL, KEY (a)) ENGINE=BLACKHOLE",
            "CREATE TABLE t_archive(a INT NOT NULL) ENGINE=ARCHIVE");

    private static final String LTFB = BackupLockStatements.LOCK_TABLES;
    private static final String LBFB = BackupLockStatements.LOCK_BINLOG;
    private static final Pattern JSON_STRING = Pattern.compile("\"%s\"\\s*:\\s*\"([^\"]*)\"");

    private PerconaConformanceCases() {}

    static List<ConformanceCase> forGeneration(PerconaGeneration generation) {
        Cases c = new Cases(generation);
        for (Twin t : twins()) {
            c.add(generation == PS_80 ? t.at80() : t.at57(), t.what(), t.body());
        }
        if (generation == PS_80) {
            only80(c);
        } else {
            only57(c);
        }
        return c.list;
    }

    /** One assertion both lines' suites make, at its place in each tree. */
    private record Twin(String at57, String at80, String what, ConformanceCase.Body body) {}

    private static final String BL = "mysql-test/t/backup_locks.test";
    private static final String INC = "mysql-test/include/backup_locks.inc";
    private static final String BLB = "mysql-test/include/backup_locks_binlog.inc";

    private static Twin twin(String at57, String at80, String what, ConformanceCase.Body body) {
        return new Twin(at57, at80, what, body);
    }

    /** The same statement's outcome at {@code backup_locks.test:line57} and {@code backup_locks.inc:line80}. */
    private static Twin backupLocks(int line57, int line80, String what, ConformanceCase.Body body) {
        return new Twin(BL + ":" + line57, INC + ":" + line80, what, body);
    }

    private static Twin backupLocks(String lines57, String lines80, String what, ConformanceCase.Body body) {
        return new Twin(BL + ":" + lines57, INC + ":" + lines80, what, body);
    }

    private static List<Twin> twins() {
        String conflict = ": ER_CANT_EXECUTE_WITH_BACKUP_LOCK";
        String timeout = ": ER_LOCK_WAIT_TIMEOUT";
        return List.of(
                twin(
                        "mysql-test/suite/sys_vars/r/have_backup_locks_basic.result:6-8",
                        "mysql-test/suite/sys_vars/r/have_backup_locks_basic.result:6-8",
                        "have_backup_locks is YES",
                        m -> assertThat(m.con("default").nameValues("SHOW GLOBAL VARIABLES LIKE 'have_backup_locks'"))
                                .containsEntry("have_backup_locks", "YES")),
                twin(
                        "mysql-test/suite/sys_vars/r/have_backup_safe_binlog_info_basic.result:6-8",
                        "mysql-test/suite/sys_vars/r/have_backup_safe_binlog_info_basic.result:6-8",
                        "have_backup_safe_binlog_info is YES",
                        m -> assertThat(m.con("default")
                                        .nameValues("SHOW GLOBAL VARIABLES LIKE 'have_backup_safe_binlog_info'"))
                                .containsEntry("have_backup_safe_binlog_info", "YES")),

                // ---- one connection ----
                backupLocks("51-52", "50-51", "LOCK TABLES FOR BACKUP and UNLOCK TABLES are accepted", m -> {
                    m.con("default").ok(LTFB);
                    m.con("default").ok(BackupLockStatements.UNLOCK_TABLES);
                }),
                backupLocks(
                        "101-105", "84-88", "LOCK TABLES FOR BACKUP twice on one connection, then UNLOCK TABLES", m -> {
                            m.con("default").ok(LTFB);
                            m.con("default").ok(LTFB);
                            m.con("default").ok("UNLOCK TABLES");
                        }),
                backupLocks(
                        "125-129",
                        "152-156",
                        "under its own LOCK TABLES FOR BACKUP a connection writes InnoDB tables",
                        m -> ownLtfbAllows(
                                m,
                                "DELETE FROM t_innodb",
                                "INSERT INTO t_innodb VALUES(0)",
                                "UPDATE t_innodb SET a = 1",
                                "REPLACE INTO t_innodb VALUES(1)")),
                backupLocks(
                        135,
                        99,
                        "DELETE FROM t_myisam under its own LOCK TABLES FOR BACKUP" + conflict,
                        m -> ownLtfbRefuses(m, "DELETE FROM t_myisam")),
                backupLocks(
                        137,
                        101,
                        "INSERT INTO t_myisam under its own LOCK TABLES FOR BACKUP" + conflict,
                        m -> ownLtfbRefuses(m, "INSERT INTO t_myisam VALUES(0)")),
                backupLocks(
                        150,
                        115,
                        "INSERT INTO t_memory under its own LOCK TABLES FOR BACKUP" + conflict,
                        m -> ownLtfbRefuses(m, "INSERT INTO t_memory VALUES(0)")),
                backupLocks(
                        160,
                        144,
                        "INSERT INTO t_archive under its own LOCK TABLES FOR BACKUP" + conflict,
                        m -> ownLtfbRefuses(m, "INSERT INTO t_archive VALUES(0)")),
                backupLocks(
                        170,
                        126,
                        "INSERT INTO t_csv under its own LOCK TABLES FOR BACKUP" + conflict,
                        m -> ownLtfbRefuses(m, "INSERT INTO t_csv VALUES(0)")),
                backupLocks(
                        142,
                        106,
                        "SELECT from t_myisam under its own LOCK TABLES FOR BACKUP",
                        m -> ownLtfbAllows(m, "SELECT * FROM t_myisam")),
                backupLocks(
                        "177-181",
                        "134-138",
                        "under its own LOCK TABLES FOR BACKUP a connection writes BLACKHOLE tables",
                        m -> ownLtfbAllows(
                                m,
                                "DELETE FROM t_blackhole",
                                "INSERT INTO t_blackhole VALUES(0)",
                                "UPDATE t_blackhole SET a = 1",
                                "REPLACE INTO t_blackhole VALUES(1)")),
                backupLocks(
                        184,
                        176,
                        "CREATE TABLE under its own LOCK TABLES FOR BACKUP" + conflict,
                        m -> ownLtfbRefuses(m, "CREATE TABLE tt_innodb(a INT NOT NULL) ENGINE=InnoDB")),
                backupLocks(
                        197,
                        189,
                        "DROP TABLE under its own LOCK TABLES FOR BACKUP" + conflict,
                        m -> ownLtfbRefuses(m, "DROP TABLE t_innodb")),
                backupLocks(
                        210,
                        192,
                        "DROP TABLE of a table that does not exist, under its own LOCK TABLES FOR BACKUP" + conflict,
                        m -> ownLtfbRefuses(m, "DROP TABLE non_existing")),
                backupLocks(
                        213,
                        205,
                        "TRUNCATE TABLE under its own LOCK TABLES FOR BACKUP" + conflict,
                        m -> ownLtfbRefuses(m, "TRUNCATE TABLE t_innodb")),
                backupLocks(
                        226,
                        218,
                        "RENAME TABLE under its own LOCK TABLES FOR BACKUP" + conflict,
                        m -> ownLtfbRefuses(m, "RENAME TABLE t_innodb TO tmp")),
                backupLocks(
                        239,
                        231,
                        "ALTER TABLE under its own LOCK TABLES FOR BACKUP" + conflict,
                        m -> ownLtfbRefuses(m, "ALTER TABLE t_innodb ADD COLUMN b CHAR(10)")),
                backupLocks(
                        265,
                        247,
                        "DROP DATABASE under its own LOCK TABLES FOR BACKUP" + conflict,
                        m -> ownLtfbRefuses(m, "DROP DATABASE test")),
                backupLocks(
                        267,
                        249,
                        "CREATE DATABASE under its own LOCK TABLES FOR BACKUP" + conflict,
                        m -> ownLtfbRefuses(m, "CREATE DATABASE test1")),
                backupLocks(
                        "436-440",
                        "273-277",
                        "LOCK TABLES FOR BACKUP with delay_key_write=ALL: ER_OPTION_PREVENTS_STATEMENT",
                        PerconaConformanceCases::delayKeyWriteAll),
                backupLocks(
                        "452-461",
                        "289-298",
                        "after UNLOCK TABLES the connection writes MyISAM tables again (read_only=1 of the MTR block"
                                + " left out)",
                        PerconaConformanceCases::unlockTablesEndsTheLock),
                backupLocks(
                        "468-481",
                        "305-323",
                        "temporary tables of every engine are created and written under its own LOCK TABLES FOR BACKUP",
                        PerconaConformanceCases::temporaryTablesUnderOwnLock),
                backupLocks(
                        "1074-1078",
                        "649-653",
                        "LOCK TABLES FOR BACKUP under LOCK TABLES t1 READ: ER_LOCK_OR_ACTIVE_TRANSACTION",
                        m -> lockedTablesRefuseBackupLock(m, "LOCK TABLES t1 READ")),
                backupLocks(
                        "1082-1084",
                        "657-659",
                        "LOCK TABLES FOR BACKUP under LOCK TABLES t1 WRITE: ER_LOCK_OR_ACTIVE_TRANSACTION",
                        m -> lockedTablesRefuseBackupLock(m, "LOCK TABLES t1 WRITE")),
                backupLocks(
                        "1088-1090",
                        "665-667",
                        "LOCK TABLES FOR BACKUP under FLUSH TABLES t1 FOR EXPORT: ER_LOCK_OR_ACTIVE_TRANSACTION",
                        m -> lockedTablesRefuseBackupLock(m, "FLUSH TABLES t1 FOR EXPORT")),
                backupLocks(
                        "1094-1096",
                        "672-674",
                        "LOCK TABLES FOR BACKUP under FLUSH TABLES t1 WITH READ LOCK: ER_LOCK_OR_ACTIVE_TRANSACTION",
                        m -> lockedTablesRefuseBackupLock(m, "FLUSH TABLES t1 WITH READ LOCK")),
                backupLocks(
                        "1100-1103",
                        "678-681",
                        "LOCK TABLE t1 READ under LOCK TABLES FOR BACKUP" + conflict,
                        m -> backupLockRefuses(m, "LOCK TABLE t1 READ")),
                backupLocks(
                        1106,
                        684,
                        "LOCK TABLE t1 WRITE under LOCK TABLES FOR BACKUP" + conflict,
                        m -> backupLockRefuses(m, "LOCK TABLE t1 WRITE")),
                backupLocks(
                        1109,
                        687,
                        "FLUSH TABLES t1 FOR EXPORT under LOCK TABLES FOR BACKUP" + conflict,
                        m -> backupLockRefuses(m, "FLUSH TABLES t1 FOR EXPORT")),
                backupLocks(
                        1112,
                        690,
                        "FLUSH TABLES t1 WITH READ LOCK under LOCK TABLES FOR BACKUP" + conflict,
                        m -> backupLockRefuses(m, "FLUSH TABLES t1 WITH READ LOCK")),
                backupLocks(
                        1115,
                        693,
                        "FLUSH TABLES WITH READ LOCK under LOCK TABLES FOR BACKUP" + conflict,
                        m -> backupLockRefuses(m, "FLUSH TABLES WITH READ LOCK")),

                // ---- another connection ----
                backupLocks(
                        "577-582",
                        "371-376",
                        "SET GLOBAL delay_key_write=ALL waits for another connection's LOCK TABLES FOR BACKUP"
                                + timeout,
                        PerconaConformanceCases::delayKeyWriteAllWaits),
                backupLocks(
                        "765-768",
                        "541-545",
                        "another connection's InnoDB writes proceed under LOCK TABLES FOR BACKUP",
                        m -> otherProceeds(
                                m,
                                LTFB,
                                "DELETE FROM t_innodb",
                                "INSERT INTO t_innodb VALUES(0)",
                                "UPDATE t_innodb SET a = 1",
                                "REPLACE INTO t_innodb VALUES(1)")),
                backupLocks(
                        775,
                        512,
                        "another connection's INSERT INTO t_myisam waits for LOCK TABLES FOR BACKUP" + timeout,
                        m -> otherTimesOut(m, LTFB, "INSERT INTO t_myisam VALUES(0)")),
                backupLocks(
                        776,
                        513,
                        "another connection reads t_myisam under LOCK TABLES FOR BACKUP",
                        m -> otherProceeds(m, LTFB, "SELECT * FROM t_myisam")),
                backupLocks(
                        782,
                        520,
                        "another connection's INSERT INTO t_memory waits for LOCK TABLES FOR BACKUP" + timeout,
                        m -> otherTimesOut(m, LTFB, "INSERT INTO t_memory VALUES(0)")),
                backupLocks(
                        786,
                        537,
                        "another connection's INSERT INTO t_archive waits for LOCK TABLES FOR BACKUP" + timeout,
                        m -> otherTimesOut(m, LTFB, "INSERT INTO t_archive VALUES(0)")),
                backupLocks(
                        790,
                        525,
                        "another connection's INSERT INTO t_csv waits for LOCK TABLES FOR BACKUP" + timeout,
                        m -> otherTimesOut(m, LTFB, "INSERT INTO t_csv VALUES(0)")),
                backupLocks(
                        "793-797",
                        "529-533",
                        "another connection's BLACKHOLE writes proceed under LOCK TABLES FOR BACKUP",
                        m -> otherProceeds(
                                m,
                                LTFB,
                                "DELETE FROM t_blackhole",
                                "INSERT INTO t_blackhole VALUES(0)",
                                "UPDATE t_blackhole SET a = 1",
                                "REPLACE INTO t_blackhole VALUES(1)")),
                backupLocks(
                        800,
                        554,
                        "another connection's CREATE TABLE waits for LOCK TABLES FOR BACKUP" + timeout,
                        m -> otherTimesOut(m, LTFB, "CREATE TABLE tt_innodb(a INT NOT NULL) ENGINE=InnoDB")),
                backupLocks(
                        803,
                        557,
                        "another connection's DROP TABLE waits for LOCK TABLES FOR BACKUP" + timeout,
                        m -> otherTimesOut(m, LTFB, "DROP TABLE t_innodb")),
                backupLocks(
                        806,
                        560,
                        "another connection's DROP TABLE of a missing table waits for LOCK TABLES FOR BACKUP" + timeout,
                        m -> otherTimesOut(m, LTFB, "DROP TABLE non_existing")),
                backupLocks(
                        809,
                        563,
                        "another connection's TRUNCATE TABLE waits for LOCK TABLES FOR BACKUP" + timeout,
                        m -> otherTimesOut(m, LTFB, "TRUNCATE TABLE t_innodb")),
                backupLocks(
                        812,
                        566,
                        "another connection's RENAME TABLE waits for LOCK TABLES FOR BACKUP" + timeout,
                        m -> otherTimesOut(m, LTFB, "RENAME TABLE t_innodb TO tmp")),
                backupLocks(
                        815,
                        569,
                        "another connection's ALTER TABLE ... ADD COLUMN waits for LOCK TABLES FOR BACKUP" + timeout,
                        m -> otherTimesOut(m, LTFB, "ALTER TABLE t_innodb ADD COLUMN b CHAR(10)")),
                backupLocks(
                        818,
                        572,
                        "another connection's ALTER TABLE ... ADD KEY waits for LOCK TABLES FOR BACKUP" + timeout,
                        m -> otherTimesOut(m, LTFB, "ALTER TABLE t_innodb ADD KEY (a)")),
                backupLocks(
                        821,
                        575,
                        "another connection's DROP DATABASE waits for LOCK TABLES FOR BACKUP" + timeout,
                        m -> otherTimesOut(m, LTFB, "DROP DATABASE test")),
                backupLocks(
                        823,
                        577,
                        "another connection's CREATE DATABASE waits for LOCK TABLES FOR BACKUP" + timeout,
                        m -> otherTimesOut(m, LTFB, "CREATE DATABASE test1")),

                // ---- snapshots and the statements the strategy sends ----
                twin(
                        "mysql-test/r/backup_locks_mysqldump.result:115-123",
                        "mysql-test/r/backup_locks_mysqldump.result:134-143",
                        "mysqldump --lock-for-backup --single-transaction with binlog coordinates: LOCK TABLES FOR BACKUP, START TRANSACTION"
                                + " WITH CONSISTENT SNAPSHOT, SHOW STATUS LIKE 'binlog_snapshot_%' (no FLUSH TABLES WITH READ LOCK); the"
                                + " snapshot's position is the binary log's and stays while others commit",
                        PerconaConformanceCases::mysqldumpSnapshotUnderBackupLock),
                twin(
                        "mysql-test/t/commit.test:378-379",
                        "mysql-test/t/commit.test:377-378",
                        "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY and COMMIT are accepted",
                        m -> {
                            m.con("default").ok(io.github.quiesce.spi.Snapshots.START);
                            m.con("default").ok(BackupLockStatements.COMMIT);
                        }),
                twin(
                        "mysql-test/suite/perfschema/t/mdl_func.test:6-9",
                        "mysql-test/suite/perfschema/t/mdl_func.test:11-14",
                        "with wait/lock/metadata/sql/mdl enabled, a connection's global read lock is listed in performance_schema.metadata_locks"
                                + " as OBJECT_TYPE GLOBAL with its owner thread (as mdl_func.result's GLOBAL rows)",
                        PerconaConformanceCases::globalReadLockInMetadataLocks));
    }

    // =================================================================================================
    // Percona Server 5.7 only
    // =================================================================================================

    private static void only57(Cases c) {
        String timeout = ": ER_LOCK_WAIT_TIMEOUT";
        c.add(BL + ":54-55", "LOCK BINLOG FOR BACKUP and UNLOCK BINLOG are accepted", m -> {
            m.con("default").ok(LBFB);
            m.con("default").ok(BackupLockStatements.UNLOCK_BINLOG);
        });
        c.add(BL + ":111-116", "LOCK BINLOG FOR BACKUP twice on one connection, then UNLOCK BINLOG", m -> {
            m.con("default").ok(LBFB);
            m.con("default").ok(LBFB);
            m.con("default").ok("UNLOCK BINLOG");
        });
        c.add(BLB + ":47-59", "with the binary log on, a connection writes under its own LOCK BINLOG FOR BACKUP", m -> {
            Con d = m.con("default");
            d.ok(LBFB);
            for (String s : List.of(
                    "DELETE FROM t_innodb",
                    "INSERT INTO t_innodb VALUES(0)",
                    "UPDATE t_innodb SET a = 1",
                    "REPLACE INTO t_innodb VALUES(1)",
                    "INSERT INTO t_myisam VALUES(0)")) {
                d.ok(s);
            }
            d.ok("UNLOCK BINLOG");
        });
        c.add(
                BL + ":830-850",
                "CREATE PROCEDURE shows 'Waiting for backup lock' in the PROCESSLIST until KILL QUERY: ER_QUERY_INTERRUPTED",
                PerconaConformanceCases::routineWaitsUntilKilled);
        c.add(
                BL + ":733-746",
                "with the binary log off, LOCK BINLOG FOR BACKUP does not stop another connection's writes",
                Set.of(Requirement.BINLOG_OFF),
                m -> otherProceeds(m, LBFB, "INSERT INTO t_innodb VALUES(1)", "INSERT INTO t_myisam VALUES(1)"));
        c.add(
                BLB + ":526",
                "with the binary log on, another connection's InnoDB autocommit INSERT waits for LOCK BINLOG FOR BACKUP"
                        + timeout,
                m -> otherTimesOut(m, LBFB, "INSERT INTO t_innodb VALUES(1)"));
        c.add(
                BLB + ":528",
                "with the binary log on, another connection's MyISAM INSERT waits for LOCK BINLOG FOR BACKUP" + timeout,
                m -> otherTimesOut(m, LBFB, "INSERT INTO t_myisam VALUES(1)"));
        c.add(
                BLB + ":511-538",
                "SHOW MASTER STATUS under LOCK BINLOG FOR BACKUP: the position does not move while others try to write (must_be_1)",
                PerconaConformanceCases::binlogPositionHeld);
        c.add(
                BLB + ":566",
                "another connection reads t_innodb under LOCK BINLOG FOR BACKUP",
                m -> otherProceeds(m, LBFB, "SELECT * from t_innodb"));
        c.add(
                BLB + ":571-578",
                "another connection's transaction runs its DML under LOCK BINLOG FOR BACKUP, and its COMMIT waits"
                        + timeout,
                PerconaConformanceCases::commitWaitsForBinlogLock);
        c.add(
                BLB + ":585",
                "another connection's MyISAM INSERT inside a transaction waits for LOCK BINLOG FOR BACKUP" + timeout,
                m -> {
                    m.con("default").ok(LBFB);
                    Con con1 = m.con("con1");
                    con1.ok("SET SESSION lock_wait_timeout = 1");
                    con1.ok("START TRANSACTION");
                    con1.error(ER_LOCK_WAIT_TIMEOUT, "INSERT INTO t_myisam VALUES(1)");
                    con1.ok("COMMIT");
                });
        c.add(
                BLB + ":624",
                "another connection's CREATE TABLE waits for LOCK BINLOG FOR BACKUP" + timeout,
                m -> otherTimesOut(m, LBFB, "CREATE TABLE tt_innodb(a INT NOT NULL) ENGINE=InnoDB"));
        c.add(
                BLB + ":630",
                "another connection's DROP TABLE of a missing table under LOCK BINLOG FOR BACKUP: ER_BAD_TABLE_ERROR, no wait",
                m -> {
                    m.con("default").ok(LBFB);
                    m.con("con1").ok("SET SESSION lock_wait_timeout = 1");
                    m.con("con1").error(ER_BAD_TABLE_ERROR, "DROP TABLE non_existing");
                });
        c.add(
                BLB + ":633",
                "another connection's CREATE TABLE of an existing table under LOCK BINLOG FOR BACKUP: ER_TABLE_EXISTS_ERROR, no wait",
                m -> {
                    m.con("default").ok(LBFB);
                    m.con("con1").ok("SET SESSION lock_wait_timeout = 1");
                    m.con("con1").error(ER_TABLE_EXISTS_ERROR, "CREATE TABLE t_innodb(a INT NOT NULL) ENGINE=InnoDB");
                });
        c.add(
                BLB + ":426-490",
                "with ROW format, another connection writes its temporary tables under both backup locks and the position does not move",
                PerconaConformanceCases::temporaryTablesUnderBinlogLock);
        c.add(
                "mysql-test/suite/rpl/t/rpl_backup_locks.test:65-88",
                "UNLOCK TABLES leaves LOCK BINLOG FOR BACKUP held: a waiting MyISAM"
                        + " INSERT goes from 'Waiting for backup lock' to 'Waiting for binlog lock' (a client connection stands in for the applier)",
                PerconaConformanceCases::unlockTablesKeepsBinlogLock);
        c.add(
                "mysql-test/t/clone_consistent_snapshot.test:12-63",
                "START TRANSACTION WITH CONSISTENT SNAPSHOT FROM SESSION sees the donor's"
                        + " snapshot (result:34-37: only row 1)",
                PerconaConformanceCases::cloneSeesTheDonorsSnapshot);
        c.add(
                "mysql-test/t/clone_consistent_snapshot.test:119-123",
                "cloning from a session with no transaction is not an error (result:95-97:" + " a warning)",
                PerconaConformanceCases::cloneWithoutDonorTransaction);
        c.add(
                "sql/sql_show.cc:5604",
                "information_schema.TABLES.CREATE_OPTIONS has delay_key_write=1 for a MyISAM table created with"
                        + " DELAY_KEY_WRITE=1 (as key_cache.test:73 creates one); not an MTR assertion: 5.7's suite prints none",
                PerconaConformanceCases::delayedKeyWriteTablesListed);
    }

    // =================================================================================================
    // Percona Server 8.0 only
    // =================================================================================================

    private static void only80(Cases c) {
        String log = "mysql-test/suite/rpl/t/rpl_perfschema_log_status.test";
        String gtid = "mysql-test/suite/binlog_gtid/t/percona_binlog_snapshot_gtid_executed.test";
        c.add(
                "mysql-test/suite/sys_vars/t/have_backup_safe_binlog_info_basic.test:2-3",
                "@@SESSION.have_backup_safe_binlog_info:" + " ER_INCORRECT_GLOBAL_LOCAL_VAR",
                m -> m.con("default")
                        .error(ER_INCORRECT_GLOBAL_LOCAL_VAR, "SELECT @@SESSION.have_backup_safe_binlog_info"));
        c.add(INC + ":714-717", "LOCK TABLES FOR BACKUP without privileges: ER_SPECIFIC_ACCESS_DENIED_ERROR", m -> {
            m.con("default").ok("CREATE USER 'u1'@'%'");
            m.connectAs("con3", "u1").error(ER_SPECIFIC_ACCESS_DENIED_ERROR, LTFB);
        });
        c.add(
                INC + ":720-724",
                "LOCK TABLES FOR BACKUP with RELOAD but not BACKUP_ADMIN: ER_SPECIFIC_ACCESS_DENIED_ERROR",
                m -> {
                    m.con("default").ok("CREATE USER 'u1'@'%'");
                    Con con3 = m.connectAs("con3", "u1");
                    m.con("default").ok("GRANT RELOAD ON *.* TO 'u1'@'%'");
                    con3.error(ER_SPECIFIC_ACCESS_DENIED_ERROR, LTFB);
                });
        c.add(
                INC + ":727-732",
                "with BACKUP_ADMIN granted (and RELOAD revoked) the same session takes LOCK TABLES FOR BACKUP",
                m -> {
                    m.con("default").ok("CREATE USER 'u1'@'%'");
                    m.con("default").ok("GRANT RELOAD ON *.* TO 'u1'@'%'");
                    Con con3 = m.connectAs("con3", "u1");
                    m.con("default").ok("REVOKE RELOAD ON *.* FROM 'u1'@'%'");
                    m.con("default").ok("GRANT BACKUP_ADMIN ON *.* TO 'u1'@'%'");
                    con3.ok(LTFB);
                    con3.ok("UNLOCK TABLES");
                });
        c.add(
                INC + ":580-595",
                "a MyISAM INSERT shows 'Waiting for table backup lock' in the PROCESSLIST, then ER_LOCK_WAIT_TIMEOUT",
                m -> {
                    m.con("default").ok(LTFB);
                    Con con1 = m.con("con1");
                    con1.ok("SET SESSION lock_wait_timeout = 1");
                    con1.send("INSERT INTO t_myisam VALUES(0)");
                    m.waitCondition(
                            "default",
                            "SELECT COUNT(*) FROM INFORMATION_SCHEMA.PROCESSLIST WHERE STATE = 'Waiting for table backup lock'"
                                    + " AND INFO = 'INSERT INTO t_myisam VALUES(0)'");
                    con1.reapError(ER_LOCK_WAIT_TIMEOUT);
                });
        c.add(
                "mysql-test/extra/rpl_tests/rpl_backup_locks.inc:47-57",
                "a MyISAM INSERT waiting in 'Waiting for table backup lock' goes"
                        + " through once UNLOCK TABLES runs (a client connection stands in for the applier)",
                m -> {
                    m.con("default").ok(LTFB);
                    Con con1 = m.con("con1");
                    con1.ok("SET SESSION lock_wait_timeout = 30");
                    con1.send("INSERT INTO t_myisam VALUES (0)");
                    m.waitCondition(
                            "default",
                            "SELECT COUNT(*) FROM INFORMATION_SCHEMA.PROCESSLIST WHERE STATE = 'Waiting for table backup lock'"
                                    + " AND INFO = 'INSERT INTO t_myisam VALUES (0)'");
                    m.con("default").ok("UNLOCK TABLES");
                    con1.reapOk();
                });
        c.add(
                log + ":116-129",
                "performance_schema.log_status LOCAL has the binary log file, position and gtid_executed of SHOW MASTER STATUS"
                        + " (on a quiet server; the MTR compares with the source's saved position)",
                PerconaConformanceCases::logStatusMatchesMasterStatus);
        c.add(log + ":111-114", "performance_schema.log_status SERVER_UUID is @@server_uuid", m -> {
            Con d = m.con("default");
            assertThat(d.value("SELECT SERVER_UUID FROM performance_schema.log_status"))
                    .isEqualTo(d.value("SELECT @@GLOBAL.server_uuid"));
        });
        c.add(
                log + ":131-134",
                "performance_schema.log_status REPLICATION is an object with a channels array (empty here: no replica channel)",
                m -> assertThat(m.con("default").value("SELECT REPLICATION FROM performance_schema.log_status"))
                        .matches("(?s)\\{\\s*\"channels\"\\s*:\\s*\\[.*\\]\\s*}"));
        c.add(
                log + ":171-174",
                "performance_schema.log_status STORAGE_ENGINES has InnoDB's LSN and LSN_checkpoint (their bounds against SHOW"
                        + " ENGINE INNODB STATUS are not checked)",
                m -> {
                    String engines =
                            m.con("default").value("SELECT STORAGE_ENGINES FROM performance_schema.log_status");
                    assertThat(engines)
                            .containsPattern("\"InnoDB\"\\s*:\\s*\\{")
                            .containsPattern("\"LSN\"\\s*:\\s*\\d+")
                            .containsPattern("\"LSN_checkpoint\"\\s*:\\s*\\d+");
                });
        c.add(
                log + ":190-203",
                "performance_schema.log_status without BACKUP_ADMIN: ER_SPECIFIC_ACCESS_DENIED_ERROR",
                m -> {
                    m.con("default").ok("CREATE USER 'user1'@'%'");
                    m.con("default").ok("GRANT SELECT ON *.* TO 'user1'@'%'");
                    m.connectAs("user1", "user1")
                            .error(ER_SPECIFIC_ACCESS_DENIED_ERROR, "SELECT * FROM performance_schema.log_status");
                });
        c.add(
                log + ":219-228",
                "performance_schema.log_status is read while another connection holds LOCK INSTANCE FOR BACKUP and"
                        + " FLUSH TABLES t1 WITH READ LOCK",
                m -> {
                    m.con("default").ok("CREATE TABLE t1 (c1 INT) ENGINE=MyISAM");
                    Con slave1 = m.con("slave1");
                    slave1.ok("LOCK INSTANCE FOR BACKUP");
                    slave1.ok("FLUSH TABLES t1 WITH READ LOCK");
                    assertThat(m.con("default").rows("SELECT * FROM performance_schema.log_status"))
                            .hasSize(1);
                    slave1.ok("UNLOCK TABLES");
                    slave1.ok("UNLOCK INSTANCE");
                });
        c.add(
                "mysql-test/suite/binlog_gtid/t/binlog_gtid_log_status_mismatch.test:22-43",
                "a log_status read during a commit paused"
                        + " between the binary log flush and gtid_executed's update waits for it and includes its GTID (PS-7873 fixed in 8.0.27-18)",
                Set.of(Requirement.DEBUG_BUILD),
                PerconaConformanceCases::logStatusWaitsForTheCommitInFlight);
        c.add(
                gtid + ":33-37",
                "inside START TRANSACTION WITH CONSISTENT SNAPSHOT, Binlog_snapshot_gtid_executed is gtid_executed",
                m -> {
                    Con d = m.con("default");
                    d.ok(BackupLockStatements.START_SNAPSHOT);
                    assertThat(d.nameValues(BackupLockStatements.SNAPSHOT_STATUS)
                                    .get("Binlog_snapshot_gtid_executed"))
                            .isEqualTo(normalized(d.value("SELECT @@GLOBAL.gtid_executed")));
                    d.ok("COMMIT");
                });
        c.add(gtid + ":39-48", "after COMMIT, Binlog_snapshot_gtid_executed is not-in-consistent-snapshot", m -> {
            Con d = m.con("default");
            d.ok(BackupLockStatements.START_SNAPSHOT);
            d.ok("INSERT INTO t_innodb VALUES(2)");
            d.ok(BackupLockStatements.COMMIT);
            assertThat(d.nameValues(BackupLockStatements.SNAPSHOT_STATUS))
                    .containsEntry("Binlog_snapshot_gtid_executed", "not-in-consistent-snapshot");
        });
        c.add(
                gtid + ":64-90",
                "Binlog_snapshot_gtid_executed keeps the snapshot's set while another connection commits",
                m -> {
                    Con d = m.con("default");
                    d.ok(BackupLockStatements.START_SNAPSHOT);
                    String before =
                            d.nameValues(BackupLockStatements.SNAPSHOT_STATUS).get("Binlog_snapshot_gtid_executed");
                    m.con("con1").ok("INSERT INTO t_innodb VALUES(4)");
                    assertThat(d.nameValues(BackupLockStatements.SNAPSHOT_STATUS))
                            .containsEntry("Binlog_snapshot_gtid_executed", before);
                    assertThat(normalized(d.value("SELECT @@GLOBAL.gtid_executed")))
                            .isNotEqualTo(before);
                    d.ok("COMMIT");
                });
        c.add(
                gtid + ":93-110",
                "START TRANSACTION WITH CONSISTENT SNAPSHOT FROM SESSION takes the donor's Binlog_snapshot_* values",
                PerconaConformanceCases::cloneTakesTheDonorsBinlogSnapshot);
        c.add(
                "mysql-test/t/dd_is_gcov_myisam.test:16-25",
                "information_schema.TABLES.CREATE_OPTIONS has delay_key_write=1 for a MyISAM"
                        + " table created with DELAY_KEY_WRITE=1 (result:16)",
                PerconaConformanceCases::delayedKeyWriteTablesListed);
    }

    // =================================================================================================
    // Bodies shared by both generations
    // =================================================================================================

    private static void ownLtfbRefuses(Mtr m, String sql) {
        Con d = m.con("default");
        d.ok(LTFB);
        d.error(ER_CANT_EXECUTE_WITH_BACKUP_LOCK, sql);
        d.ok("UNLOCK TABLES");
    }

    private static void ownLtfbAllows(Mtr m, String... statements) {
        Con d = m.con("default");
        d.ok(LTFB);
        for (String s : statements) {
            d.ok(s);
        }
        d.ok("UNLOCK TABLES");
    }

    /** Another connection with lock_wait_timeout=1 (backup_locks.test sets it globally at :567). */
    private static void otherTimesOut(Mtr m, String lock, String sql) {
        m.con("default").ok(lock);
        Con con1 = m.con("con1");
        con1.ok("SET SESSION lock_wait_timeout = 1");
        con1.error(ER_LOCK_WAIT_TIMEOUT, sql);
    }

    private static void otherProceeds(Mtr m, String lock, String... statements) {
        m.con("default").ok(lock);
        Con con1 = m.con("con1");
        con1.ok("SET SESSION lock_wait_timeout = 1");
        for (String s : statements) {
            con1.ok(s);
        }
    }

    private static void lockedTablesRefuseBackupLock(Mtr m, String tableLock) {
        Con d = m.con("default");
        d.ok("CREATE TABLE t1(a INT) ENGINE=InnoDB");
        d.ok(tableLock);
        d.error(ER_LOCK_OR_ACTIVE_TRANSACTION, LTFB);
        d.ok("UNLOCK TABLES");
    }

    private static void backupLockRefuses(Mtr m, String statement) {
        Con d = m.con("default");
        d.ok("CREATE TABLE t1(a INT) ENGINE=InnoDB");
        d.ok(LTFB);
        d.error(ER_CANT_EXECUTE_WITH_BACKUP_LOCK, statement);
        d.ok("UNLOCK TABLES");
    }

    private static void delayKeyWriteAll(Mtr m) {
        Con d = m.con("default");
        d.ok("SET GLOBAL delay_key_write=ALL");
        d.error(ER_OPTION_PREVENTS_STATEMENT, LTFB);
        d.ok("SET GLOBAL delay_key_write=default");
    }

    private static void delayKeyWriteAllWaits(Mtr m) {
        m.con("default").ok(LTFB);
        Con con1 = m.con("con1");
        con1.ok("SET SESSION lock_wait_timeout = 1");
        con1.error(ER_LOCK_WAIT_TIMEOUT, "SET GLOBAL delay_key_write=ALL");
        m.con("default").ok("UNLOCK TABLES");
    }

    private static void unlockTablesEndsTheLock(Mtr m) {
        Con d = m.con("default");
        d.ok(LTFB);
        d.ok("INSERT INTO t_innodb VALUES(0)");
        d.error(ER_CANT_EXECUTE_WITH_BACKUP_LOCK, "INSERT INTO t_myisam VALUES(0)");
        d.ok("UNLOCK TABLES");
        d.ok("INSERT INTO t_innodb VALUES(0)");
        d.ok("INSERT INTO t_myisam VALUES(0)");
    }

    private static void temporaryTablesUnderOwnLock(Mtr m) {
        Con d = m.con("default");
        d.ok(LTFB);
        for (String engine : List.of("InnoDB", "MyISAM", "MEMORY", "CSV", "BLACKHOLE", "ARCHIVE")) {
            String name = "tt_" + engine.toLowerCase(java.util.Locale.ROOT);
            d.ok("CREATE TEMPORARY TABLE " + name + "(a INT NOT NULL) ENGINE=" + engine);
            d.ok("INSERT INTO " + name + " VALUES(5)");
        }
        d.ok("UNLOCK TABLES");
    }

    private static void routineWaitsUntilKilled(Mtr m) {
        m.con("default").ok(LTFB);
        Con con1 = m.con("con1");
        long id = con1.id();
        con1.send("CREATE PROCEDURE p1() SELECT 1");
        m.waitCondition(
                "default",
                "SELECT COUNT(*) FROM INFORMATION_SCHEMA.PROCESSLIST WHERE STATE = 'Waiting for backup lock'"
                        + " AND INFO = 'CREATE PROCEDURE p1() SELECT 1'");
        m.con("default").ok("KILL QUERY " + id);
        con1.reapError(ER_QUERY_INTERRUPTED);
    }

    private static void binlogPositionHeld(Mtr m) {
        Con d = m.con("default");
        d.ok(LBFB);
        String before = d.rows("SHOW MASTER STATUS").get(0).get("Position");
        Con con1 = m.con("con1");
        con1.ok("SET SESSION lock_wait_timeout = 1");
        con1.error(ER_LOCK_WAIT_TIMEOUT, "INSERT INTO t_innodb VALUES(1)");
        con1.error(ER_LOCK_WAIT_TIMEOUT, "INSERT INTO t_myisam VALUES(1)");
        assertThat(d.rows("SHOW MASTER STATUS").get(0).get("Position"))
                .as("must_be_1")
                .isEqualTo(before);
        d.ok(BackupLockStatements.UNLOCK_BINLOG);
    }

    private static void commitWaitsForBinlogLock(Mtr m) {
        Con d = m.con("default");
        Con con1 = m.con("con1");
        con1.ok("INSERT INTO t_innodb VALUES(7)");
        d.ok(LBFB);
        con1.ok("SET SESSION lock_wait_timeout = 1");
        con1.ok("START TRANSACTION");
        con1.ok("SELECT * from t_innodb");
        con1.ok("DELETE FROM t_innodb");
        con1.ok("INSERT INTO t_innodb VALUES(0)");
        con1.ok("UPDATE t_innodb SET a = 1");
        con1.ok("REPLACE INTO t_innodb VALUES(1)");
        con1.error(ER_LOCK_WAIT_TIMEOUT, "COMMIT");
        // backup_locks_binlog_row.result: the rows read after the failed COMMIT are those before the transaction.
        assertThat(con1.rows("SELECT * FROM t_innodb"))
                .extracting(r -> r.get("a"))
                .containsExactly("7");
        con1.ok("COMMIT");
        d.ok(BackupLockStatements.UNLOCK_BINLOG);
    }

    private static void temporaryTablesUnderBinlogLock(Mtr m) {
        Con d = m.con("default");
        Con con1 = m.con("con1");
        d.ok(LTFB);
        con1.ok("CREATE TEMPORARY TABLE tt_innodb(a INT NOT NULL) ENGINE=InnoDB");
        con1.ok("CREATE TEMPORARY TABLE tt_myisam(a INT NOT NULL) ENGINE=MyISAM");
        con1.ok("INSERT INTO tt_innodb VALUES(5)");
        con1.ok("INSERT INTO tt_myisam VALUES(5)");
        d.ok(LBFB);
        String before = d.rows("SHOW MASTER STATUS").get(0).get("Position");
        con1.ok("SET SESSION lock_wait_timeout = 1");
        con1.ok("START TRANSACTION");
        con1.ok("INSERT INTO tt_myisam VALUES(6)");
        con1.ok("INSERT INTO tt_innodb VALUES(6)");
        con1.ok("SELECT * FROM tt_myisam");
        assertThat(d.rows("SHOW MASTER STATUS").get(0).get("Position"))
                .as("must_be_1")
                .isEqualTo(before);
        d.ok(BackupLockStatements.UNLOCK_BINLOG);
        d.ok(BackupLockStatements.UNLOCK_TABLES);
        con1.ok("COMMIT");
    }

    private static void unlockTablesKeepsBinlogLock(Mtr m) {
        Con d = m.con("default");
        d.ok(LTFB);
        Con con1 = m.con("con1");
        con1.ok("SET SESSION lock_wait_timeout = 30");
        con1.send("INSERT INTO t_myisam VALUES (0)");
        m.waitCondition(
                "default",
                "SELECT COUNT(*) FROM INFORMATION_SCHEMA.PROCESSLIST WHERE STATE = 'Waiting for backup lock'"
                        + " AND INFO = 'INSERT INTO t_myisam VALUES (0)'");
        d.ok(LBFB);
        d.ok(BackupLockStatements.UNLOCK_TABLES);
        m.waitCondition(
                "default",
                "SELECT COUNT(*) FROM INFORMATION_SCHEMA.PROCESSLIST WHERE STATE = 'Waiting for binlog lock'"
                        + " AND INFO = 'INSERT INTO t_myisam VALUES (0)'");
        d.ok(BackupLockStatements.UNLOCK_BINLOG);
        con1.reapOk();
    }

    /** The strategy's own statements in mysqldump's order, with the snapshot checked against the binary log. */
    private static void mysqldumpSnapshotUnderBackupLock(Mtr m) {
        Con d = m.con("default");
        d.ok(LTFB);
        Map<String, String> master = d.rows("SHOW MASTER STATUS").get(0);
        d.ok("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        d.ok(BackupLockStatements.START_SNAPSHOT);
        Map<String, String> snapshot = d.nameValues(BackupLockStatements.SNAPSHOT_STATUS);
        assertThat(snapshot)
                .containsEntry("Binlog_snapshot_file", master.get("File"))
                .containsEntry("Binlog_snapshot_position", master.get("Position"));
        m.con("con1").ok("INSERT INTO t_innodb VALUES(1)");
        assertThat(d.nameValues(BackupLockStatements.SNAPSHOT_STATUS))
                .as("the snapshot's own position")
                .isEqualTo(snapshot);
        d.ok(BackupLockStatements.UNLOCK_TABLES);
        d.ok(BackupLockStatements.COMMIT);
    }

    private static void cloneSeesTheDonorsSnapshot(Mtr m) {
        Con con1 = m.con("con1");
        long con1Id = con1.id();
        con1.ok("CREATE TABLE t1 (a INT) ENGINE=InnoDB");
        con1.ok("INSERT INTO t1 VALUES(1)");
        con1.ok(BackupLockStatements.START_SNAPSHOT);
        m.con("con2").ok("INSERT INTO t1 VALUES(2)");
        Con con3 = m.con("con3");
        con3.ok("SET SESSION transaction_isolation='REPEATABLE-READ'");
        con3.okPrepared(BackupLockStatements.CLONE_SNAPSHOT, con1Id);
        assertThat(con3.rows("SELECT * FROM t1")).extracting(r -> r.get("a")).containsExactly("1");
        con3.ok("COMMIT");
        con1.ok("COMMIT");
    }

    private static void cloneWithoutDonorTransaction(Mtr m) {
        long con1Id = m.con("con1").id();
        Con con3 = m.con("con3");
        con3.okPrepared(BackupLockStatements.CLONE_SNAPSHOT, con1Id);
        con3.ok("COMMIT");
    }

    private static void cloneTakesTheDonorsBinlogSnapshot(Mtr m) {
        Con d = m.con("default");
        d.ok(BackupLockStatements.START_SNAPSHOT);
        long donor = d.id();
        Map<String, String> snapshot = d.nameValues(BackupLockStatements.SNAPSHOT_STATUS);
        Con con1 = m.con("con1");
        con1.ok("INSERT INTO t_innodb VALUES(4)");
        assertThat(con1.nameValues(BackupLockStatements.SNAPSHOT_STATUS))
                .containsEntry("Binlog_snapshot_gtid_executed", "not-in-consistent-snapshot");
        con1.okPrepared(BackupLockStatements.CLONE_SNAPSHOT, donor);
        assertThat(con1.nameValues(BackupLockStatements.SNAPSHOT_STATUS)).isEqualTo(snapshot);
        con1.ok(BackupLockStatements.START_SNAPSHOT);
        assertThat(con1.nameValues(BackupLockStatements.SNAPSHOT_STATUS).get("Binlog_snapshot_gtid_executed"))
                .isEqualTo(normalized(con1.value("SELECT @@GLOBAL.gtid_executed")));
        con1.ok("COMMIT");
        d.ok("COMMIT");
    }

    private static void globalReadLockInMetadataLocks(Mtr m) {
        Con d = m.con("default");
        d.ok(
                "UPDATE performance_schema.setup_instruments SET ENABLED = 'YES' WHERE NAME = 'wait/lock/metadata/sql/mdl'");
        Con con1 = m.con("con1");
        assertThat(con1.value(BackupLockStatements.MDL_INSTRUMENT)).isEqualTo("YES");
        assertThat(con1.value(BackupLockStatements.OWN_GLOBAL_READ_LOCK)).isEqualTo("0");
        con1.ok("FLUSH TABLES WITH READ LOCK");
        assertThat(con1.value(BackupLockStatements.OWN_GLOBAL_READ_LOCK)).isEqualTo("1");
        assertThat(d.value(BackupLockStatements.OWN_GLOBAL_READ_LOCK))
                .as("another connection's lock is not its own")
                .isEqualTo("0");
        con1.ok("UNLOCK TABLES");
        assertThat(con1.value(BackupLockStatements.OWN_GLOBAL_READ_LOCK)).isEqualTo("0");
    }

    private static void delayedKeyWriteTablesListed(Mtr m) {
        Con d = m.con("default");
        d.ok(
                "CREATE TABLE t1 (a INT NOT NULL,b INT NOT NULL, PRIMARY KEY USING BTREE (a)) ENGINE=MYISAM DELAY_KEY_WRITE=1");
        d.ok("CREATE TABLE t2 (a INT NOT NULL) ENGINE=MYISAM");
        assertThat(d.rows(BackupLockStatements.DELAYED_KEY_TABLES))
                .extracting(r -> r.get("name"))
                .containsExactly("test.t1");
    }

    private static void logStatusMatchesMasterStatus(Mtr m) {
        Con d = m.con("default");
        d.ok("INSERT INTO t_innodb VALUES(1)");
        Map<String, String> master = d.rows("SHOW MASTER STATUS").get(0);
        String local = d.value(BackupLockStatements.LOG_STATUS);
        assertThat(json(local, "binary_log_file")).isEqualTo(master.get("File"));
        assertThat(local).containsPattern("\"binary_log_position\"\\s*:\\s*" + master.get("Position") + "\\b");
        assertThat(normalized(json(local, "gtid_executed"))).isEqualTo(normalized(master.get("Executed_Gtid_Set")));
    }

    private static void logStatusWaitsForTheCommitInFlight(Mtr m) {
        Con d = m.con("default");
        d.ok("CREATE TABLE t1(c1 INT) ENGINE=InnoDB");
        d.ok("INSERT INTO t1 VALUES(1)");
        String before = normalized(d.value("SELECT @@GLOBAL.gtid_executed"));
        d.ok(
                "SET debug_sync = \"process_commit_stage_queue_before_handle_gtid SIGNAL insert_in_sync WAIT_FOR insert_continue\"");
        d.send("INSERT INTO t1 VALUES(3)");
        Con con1 = m.con("con1");
        con1.ok("SET DEBUG_SYNC= 'now WAIT_FOR insert_in_sync'");
        con1.ok("SET debug_sync = \"log_resource_gtid_lock SIGNAL gtid_in_sync WAIT_FOR gtid_continue\"");
        con1.sendQuery(BackupLockStatements.LOG_STATUS);
        Con con2 = m.con("con2");
        con2.ok("SET DEBUG_SYNC= 'now WAIT_FOR gtid_in_sync'");
        con2.ok("SET DEBUG_SYNC= 'now SIGNAL gtid_continue'");
        con2.ok("SET DEBUG_SYNC= 'now SIGNAL insert_continue'");
        String local = con1.reapRows().get(0).get("LOCAL");
        d.reapOk();
        String after = normalized(d.value("SELECT @@GLOBAL.gtid_executed"));
        assertThat(after).as("the INSERT committed one transaction").isNotEqualTo(before);
        // "Gtid_executed is updated with GTID 4": the read made during the commit includes it.
        assertThat(normalized(json(local, "gtid_executed"))).isEqualTo(after);
    }

    private static String json(String json, String key) {
        Matcher matcher =
                Pattern.compile(String.format(JSON_STRING.pattern(), key)).matcher(json);
        assertThat(matcher.find()).as("%s in %s", key, json).isTrue();
        return matcher.group(1);
    }

    private static String normalized(String gtidSet) {
        return gtidSet == null ? "" : gtidSet.replaceAll("\\s+", "").replace("\\n", "");
    }

    /** Collects the cases of one generation. */
    private static final class Cases {
        private final PerconaGeneration generation;
        private final List<ConformanceCase> list = new ArrayList<>();

        Cases(PerconaGeneration generation) {
            this.generation = generation;
        }

        void add(String source, String what, ConformanceCase.Body body) {
            add(source, what, Set.of(), body);
        }

        void add(String source, String what, Set<Requirement> requires, ConformanceCase.Body body) {
            list.add(new ConformanceCase(generation, source, what, requires, body));
        }
    }
}
