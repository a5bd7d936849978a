package io.github.quiesce.tablelocks;

import io.github.quiesce.testkit.ServerDistribution;

class TableLocksMySql8IT extends TableLocksContract {

    @Override
    protected ServerDistribution distribution() {
        return ServerDistribution.MYSQL_8_0_15;
    }
}
