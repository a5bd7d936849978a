package io.github.quiesce.ftwrl;

import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.contract.BlocksWritesContract;

class FtwrlMySql8IT extends BlocksWritesContract {

    @Override
    protected ServerDistribution distribution() {
        return ServerDistribution.MYSQL_8_0_15;
    }

    @Override
    protected String strategyName() {
        return FtwrlStrategy.NAME;
    }
}
