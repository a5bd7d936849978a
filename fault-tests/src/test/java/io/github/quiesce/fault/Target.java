package io.github.quiesce.fault;

import io.github.quiesce.testkit.ServerDistribution;

/** Each strategy on each real server it runs on; {@code read-only} on a replica, which is where it belongs. */
enum Target {
    MYSQL_INSTANCE_LOCK(ServerDistribution.MYSQL_8_0_15, "mysql-instance-lock", false),
    MYSQL_FTWRL(ServerDistribution.MYSQL_8_0_15, "ftwrl", false),
    MYSQL_REPLICA_READ_ONLY(ServerDistribution.MYSQL_8_0_15, "read-only", true),
    MARIADB_BACKUP_STAGE(ServerDistribution.MARIADB_11_4_5, "mariadb-backup-stage", false),
    MARIADB_FTWRL(ServerDistribution.MARIADB_11_4_5, "ftwrl", false),
    MARIADB_REPLICA_READ_ONLY(ServerDistribution.MARIADB_11_4_5, "read-only", true);

    final ServerDistribution distribution;
    final String strategy;
    final boolean replica;

    Target(ServerDistribution distribution, String strategy, boolean replica) {
        this.distribution = distribution;
        this.strategy = strategy;
        this.replica = replica;
    }

    boolean mariaDb() {
        return distribution.isMariaDb();
    }

    @Override
    public String toString() {
        return strategy + " on " + distribution.displayName() + (replica ? " replica" : "");
    }
}
