package io.github.quiesce.percona;

class Percona80ContainerIT extends PerconaServerContainerContract {
    @Override
    String image() {
        return "percona/percona-server:8.0";
    }

    @Override
    PerconaGeneration generation() {
        return PerconaGeneration.PS_80;
    }
}
