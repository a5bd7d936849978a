package io.github.quiesce.percona;

class Percona57ContainerIT extends PerconaServerContainerContract {
    @Override
    String image() {
        return "percona/percona-server:5.7";
    }

    @Override
    PerconaGeneration generation() {
        return PerconaGeneration.PS_57;
    }
}
