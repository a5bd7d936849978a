package io.github.quiesce.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoIT {

    @Test
    void printsOneJsonLineWithTheStrategyAndTheCoordinates() {
        String json = Demo.run(new String[0]);
        assertThat(json).doesNotContain("\n");
        assertThat(json)
                .matches(
                        "\\{\"server\":\"MySQL 8\\.0\\.15\",\"strategy\":\"[a-z-]+\",\"file\":\"binlog\\.\\d{6}\","
                                + "\"position\":\\d+,\"gtidSet\":\"[0-9a-f-]{36}:1-\\d+\",\"lockWaitMs\":\\d+\\.\\d,\"lockHeldMs\":\\d+\\.\\d}");
    }
}
