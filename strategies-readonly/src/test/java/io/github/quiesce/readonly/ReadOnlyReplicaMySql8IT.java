package io.github.quiesce.readonly;

import io.github.quiesce.testkit.ServerDistribution;

/** A MySQL 8.0.15 source and replica with GTID auto-position. */
class ReadOnlyReplicaMySql8IT extends ReadOnlyReplicaContract {

    @Override
    protected ServerDistribution distribution() {
        return ServerDistribution.MYSQL_8_0_15;
    }
}
