package io.github.quiesce.it;

import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.restore.ReplayMode;
import java.util.List;

/**
 * The servers of issue 14's matrix that a point is taken on. GTID off leaves only file and position to
 * replay by, which is where a point that lags the data cannot be caught by GTIDs; a replica's point is
 * its source's, so its copy replays from the source.
 */
enum ReplaySource {
    MYSQL_GTID("MySQL 8.0.15 GTID on", ServerDistribution.MYSQL_8_0_15, true, false),
    MYSQL_NO_GTID("MySQL 8.0.15 GTID off", ServerDistribution.MYSQL_8_0_15, false, false),
    MARIADB("MariaDB 11.4.5", ServerDistribution.MARIADB_11_4_5, true, false),
    MYSQL_REPLICA("MySQL 8.0.15 replica", ServerDistribution.MYSQL_8_0_15, true, true),
    MARIADB_REPLICA("MariaDB 11.4.5 replica", ServerDistribution.MARIADB_11_4_5, true, true),
    // Issue 15: the other versions of the testkit, with the lock each has besides FTWRL and what auto picks there
    // (VersionMatrixIT says why). ftwrl is left to VersionMatrixIT's contract there, for CI's time: under this
    // workload on 10.2.11 it was refused in its one round (FTWRL could not get in within 4 x 1 s).
    MYSQL_5_7("MySQL 5.7.22", ServerDistribution.MYSQL_5_7_22, List.of("auto")),
    MYSQL_8_0_12("MySQL 8.0.12", ServerDistribution.MYSQL_8_0_12, List.of("mysql-instance-lock", "auto")),
    MARIADB_10_2("MariaDB 10.2.11", ServerDistribution.MARIADB_10_2_11, List.of("auto")),
    MARIADB_10_11("MariaDB 10.11.5", ServerDistribution.MARIADB_10_11_5, List.of("mariadb-backup-stage", "auto"));

    private final String label;
    private final ServerDistribution distribution;
    private final boolean gtid;
    private final boolean replica;
    /** Null: the strategies of {@link #strategies()}'s rule. */
    private final List<String> strategies;

    ReplaySource(String label, ServerDistribution distribution, boolean gtid, boolean replica) {
        this(label, distribution, gtid, replica, null);
    }

    /** Another version, GTIDs on, judged with these strategies. */
    ReplaySource(String label, ServerDistribution distribution, List<String> strategies) {
        this(label, distribution, true, false, strategies);
    }

    ReplaySource(
            String label, ServerDistribution distribution, boolean gtid, boolean replica, List<String> strategies) {
        this.label = label;
        this.distribution = distribution;
        this.gtid = gtid;
        this.replica = replica;
        this.strategies = strategies;
    }

    String label() {
        return label;
    }

    ServerDistribution distribution() {
        return distribution;
    }

    /** MySQL's gtid_mode (MariaDB always logs GTIDs). */
    boolean gtid() {
        return gtid;
    }

    boolean replica() {
        return replica;
    }

    boolean mariaDb() {
        return distribution.isMariaDb();
    }

    List<ReplayMode> modes() {
        return gtid ? List.of(ReplayMode.GTID, ReplayMode.FILE_POSITION) : List.of(ReplayMode.FILE_POSITION);
    }

    /** The strategies to judge here: a replica is backed up with read-only; {@code auto} is judged for what it picks. */
    List<String> strategies() {
        if (strategies != null) {
            return strategies;
        }
        if (replica) {
            return List.of("read-only");
        }
        return List.of("ftwrl", mariaDb() ? "mariadb-backup-stage" : "mysql-instance-lock", "auto");
    }
}
