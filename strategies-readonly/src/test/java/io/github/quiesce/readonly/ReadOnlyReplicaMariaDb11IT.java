package io.github.quiesce.readonly;

import io.github.quiesce.testkit.ServerDistribution;

/** A MariaDB 11.4.5 source and replica replicating by GTID (slave_pos). */
class ReadOnlyReplicaMariaDb11IT extends ReadOnlyReplicaContract {

    @Override
    protected ServerDistribution distribution() {
        return ServerDistribution.MARIADB_11_4_5;
    }
}
