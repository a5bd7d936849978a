package io.github.quiesce.percona;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * The conformance cases (Percona's MTR assertions, see {@link PerconaConformanceCases}) against testkit's
 * Percona model. Percona57ContainerIT and Percona80ContainerIT run the same cases against the real images.
 */
class PerconaModelConformanceTest {

    @TestFactory
    Stream<DynamicNode> percona57() {
        ModelTarget target = new ModelTarget(PerconaGeneration.PS_57);
        return new ConformanceRun(PerconaGeneration.PS_57, () -> Optional.of(target)).tests(() -> "");
    }

    @TestFactory
    Stream<DynamicNode> percona80() {
        ModelTarget target = new ModelTarget(PerconaGeneration.PS_80);
        return new ConformanceRun(PerconaGeneration.PS_80, () -> Optional.of(target)).tests(() -> "");
    }
}
