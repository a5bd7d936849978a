package io.github.quiesce.all;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.spi.LockStrategy;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The one dependency gives {@code auto} every strategy, found as users find them: by ServiceLoader. */
class AllStrategiesTest {

    @Test
    void everyStrategyModuleIsFoundByServiceLoader() {
        assertThat(ServiceLoader.load(LockStrategy.class).stream()
                        .map(p -> p.get().name()))
                .containsExactlyInAnyOrder(
                        "ftwrl",
                        "percona-backup-locks",
                        "mysql-instance-lock",
                        "mariadb-backup-stage",
                        "read-only",
                        "table-locks");
    }
}
