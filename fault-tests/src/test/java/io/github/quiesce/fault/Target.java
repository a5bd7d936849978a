package io.github.quiesce.fault;

import io.github.quiesce.testkit.ServerDistribution;
import java.util.stream.Stream;

/**
 * Each strategy on each real server it runs on; {@code read-only} on a replica, which is where it belongs.
 * MySQL 8.0.15 and MariaDB 11.4.5 run every strategy; the other four versions (issue 15) run the lock
 * {@code auto} picks there, which is what their users get.
 */
enum Target {
    MYSQL_INSTANCE_LOCK(ServerDistribution.MYSQL_8_0_15, "mysql-instance-lock", false),
    MYSQL_FTWRL(ServerDistribution.MYSQL_8_0_15, "ftwrl", false),
    MYSQL_REPLICA_READ_ONLY(ServerDistribution.MYSQL_8_0_15, "read-only", true),
    MARIADB_BACKUP_STAGE(ServerDistribution.MARIADB_11_4_5, "mariadb-backup-stage", false),
    MARIADB_FTWRL(ServerDistribution.MARIADB_11_4_5, "ftwrl", false),
    MARIADB_REPLICA_READ_ONLY(ServerDistribution.MARIADB_11_4_5, "read-only", true),
    MYSQL_5_7_TABLE_LOCKS(ServerDistribution.MYSQL_5_7_22, "table-locks", false),
    MYSQL_8_0_12_INSTANCE_LOCK(ServerDistribution.MYSQL_8_0_12, "mysql-instance-lock", false),
    MARIADB_10_2_TABLE_LOCKS(ServerDistribution.MARIADB_10_2_11, "table-locks", false),
    MARIADB_10_11_BACKUP_STAGE(ServerDistribution.MARIADB_10_11_5, "mariadb-backup-stage", false);

    final ServerDistribution distribution;
    final String strategy;
    final boolean replica;

    Target(ServerDistribution distribution, String strategy, boolean replica) {
        this.distribution = distribution;
        this.strategy = strategy;
        this.replica = replica;
    }

    /**
     * The targets on MySQL 8.0.15 and MariaDB 11.4.5, where the longer fault tests (network stalls, the soak)
     * run: they exercise the driver and the pool more than the server, and CI's 30 minutes do not stretch to
     * every version.
     */
    static Stream<Target> mainVersions() {
        return Stream.of(values())
                .filter(t -> t.distribution == ServerDistribution.MYSQL_8_0_15
                        || t.distribution == ServerDistribution.MARIADB_11_4_5);
    }

    boolean mariaDb() {
        return distribution.isMariaDb();
    }

    @Override
    public String toString() {
        return strategy + " on " + distribution.displayName() + (replica ? " replica" : "");
    }
}
