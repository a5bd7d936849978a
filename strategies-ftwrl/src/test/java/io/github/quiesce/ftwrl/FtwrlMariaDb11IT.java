package io.github.quiesce.ftwrl;

import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.contract.BlocksWritesContract;

class FtwrlMariaDb11IT extends BlocksWritesContract {

    @Override
    protected ServerDistribution distribution() {
        return ServerDistribution.MARIADB_11_4_5;
    }

    @Override
    protected String strategyName() {
        return FtwrlStrategy.NAME;
    }
}
