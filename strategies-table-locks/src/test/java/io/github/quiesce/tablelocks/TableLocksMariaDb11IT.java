package io.github.quiesce.tablelocks;

import io.github.quiesce.testkit.ServerDistribution;

class TableLocksMariaDb11IT extends TableLocksContract {

    @Override
    protected ServerDistribution distribution() {
        return ServerDistribution.MARIADB_11_4_5;
    }
}
