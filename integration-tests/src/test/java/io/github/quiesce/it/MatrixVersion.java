package io.github.quiesce.it;

import io.github.quiesce.backupstage.BackupStageStrategy;
import io.github.quiesce.ftwrl.FtwrlStrategy;
import io.github.quiesce.instancelock.InstanceLockStrategy;
import io.github.quiesce.percona.PerconaBackupLocksStrategy;
import io.github.quiesce.readonly.ReadOnlyStrategy;
import io.github.quiesce.tablelocks.TableLocksStrategy;
import io.github.quiesce.testkit.ServerDistribution;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The six server versions users run, what each server offers according to its manual (and, where the
 * manual is vague, to what the server itself answered here), and so which strategy must run on it and
 * which one {@code auto} must pick. The strategies are tested against this table, not the other way round.
 */
enum MatrixVersion {

    /**
     * No LOCK INSTANCE, no log_status, no backup locks (Community Server): FTWRL, or table-locks, which auto
     * prefers since it flushes nothing and waits for no SELECT (issue 17).
     */
    MYSQL_5_7_22(ServerDistribution.MYSQL_5_7_22, TableLocksStrategy.NAME, Set.of(FtwrlStrategy.NAME)),

    /**
     * LOCK INSTANCE FOR BACKUP came with 8.0.0 and performance_schema.log_status with 8.0.11 (the first GA);
     * 8.0.12 answered both here.
     */
    MYSQL_8_0_12(
            ServerDistribution.MYSQL_8_0_12,
            InstanceLockStrategy.NAME,
            Set.of(FtwrlStrategy.NAME, InstanceLockStrategy.NAME)),

    MYSQL_8_0_15(
            ServerDistribution.MYSQL_8_0_15,
            InstanceLockStrategy.NAME,
            Set.of(FtwrlStrategy.NAME, InstanceLockStrategy.NAME)),

    /** BACKUP STAGE came with 10.4.1; 10.2 has FTWRL and table-locks, which auto prefers (issue 17). */
    MARIADB_10_2_11(ServerDistribution.MARIADB_10_2_11, TableLocksStrategy.NAME, Set.of(FtwrlStrategy.NAME)),

    MARIADB_10_11_5(
            ServerDistribution.MARIADB_10_11_5,
            BackupStageStrategy.NAME,
            Set.of(FtwrlStrategy.NAME, BackupStageStrategy.NAME)),

    MARIADB_11_4_5(
            ServerDistribution.MARIADB_11_4_5,
            BackupStageStrategy.NAME,
            Set.of(FtwrlStrategy.NAME, BackupStageStrategy.NAME));

    /** The strategies that take a point on a source, in the matrix's column order. */
    static final List<String> SOURCE_STRATEGIES = List.of(
            FtwrlStrategy.NAME, InstanceLockStrategy.NAME, BackupStageStrategy.NAME, PerconaBackupLocksStrategy.NAME);

    final ServerDistribution distribution;
    final String auto;
    final Set<String> supported;

    MatrixVersion(ServerDistribution distribution, String auto, Set<String> supported) {
        this.distribution = distribution;
        this.auto = auto;
        this.supported = supported;
    }

    boolean supports(String strategy) {
        return supported.contains(strategy) || strategy.equals(ReadOnlyStrategy.NAME);
    }

    List<String> unsupported() {
        return SOURCE_STRATEGIES.stream().filter(s -> !supports(s)).toList();
    }

    /**
     * The least grants the README's Security section gives for a strategy, spelled for this version: MySQL
     * 5.7 and MariaDB 10.2 have no dynamic privileges (SYSTEM_VARIABLES_ADMIN, READ ONLY ADMIN...), so
     * SUPER stands in; MariaDB 10.5 renamed REPLICATION CLIENT to BINLOG MONITOR, which no longer shows
     * the replica status: read-only needs REPLICA MONITOR there (the README's line lacked it).
     */
    String[] grants(String strategy) {
        boolean maria = distribution.isMariaDb();
        boolean dynamicPrivileges = maria ? distribution.atLeast(10, 5, 2) : distribution.atLeast(8, 0, 0);
        String binlogStatus = maria && distribution.atLeast(10, 5, 2) ? "BINLOG MONITOR" : "REPLICATION CLIENT";
        return switch (strategy) {
            case FtwrlStrategy.NAME, BackupStageStrategy.NAME -> new String[] {"RELOAD", binlogStatus};
            case InstanceLockStrategy.NAME -> new String[] {"BACKUP_ADMIN", "REPLICATION SLAVE", "SELECT"};
            case ReadOnlyStrategy.NAME -> !dynamicPrivileges
                    ? new String[] {"RELOAD", "REPLICATION CLIENT", "SUPER"}
                    : maria
                            ? new String[] {"RELOAD", binlogStatus, "READ ONLY ADMIN", "REPLICA MONITOR"}
                            : new String[] {
                                "RELOAD", "REPLICATION CLIENT", "SYSTEM_VARIABLES_ADMIN", "REPLICATION_SLAVE_ADMIN"
                            };
            default -> throw new IllegalArgumentException("no documented grants for " + strategy);
        };
    }

    /** The read-only grants the README gave before this matrix ran them, where they differ from {@link #grants}. */
    Optional<String[]> formerlyDocumentedReadOnlyGrants() {
        return distribution.isMariaDb() && distribution.atLeast(10, 5, 2)
                ? Optional.of(new String[] {"RELOAD", "BINLOG MONITOR", "READ ONLY ADMIN", "REPLICATION SLAVE ADMIN"})
                : Optional.empty();
    }

    String displayName() {
        return distribution.displayName();
    }
}
