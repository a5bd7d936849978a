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
    MARIADB_REPLICA("MariaDB 11.4.5 replica", ServerDistribution.MARIADB_11_4_5, true, true);

    private final String label;
    private final ServerDistribution distribution;
    private final boolean gtid;
    private final boolean replica;

    ReplaySource(String label, ServerDistribution distribution, boolean gtid, boolean replica) {
        this.label = label;
        this.distribution = distribution;
        this.gtid = gtid;
        this.replica = replica;
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
        if (replica) {
            return List.of("read-only");
        }
        return List.of("ftwrl", mariaDb() ? "mariadb-backup-stage" : "mysql-instance-lock", "auto");
    }
}
