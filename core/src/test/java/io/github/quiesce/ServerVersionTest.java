package io.github.quiesce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerVersionTest {

    @Test
    void parsesTheVersionsEachFlavourPrints() {
        assertThat(ServerVersion.parse("8.0.15")).isEqualTo(ServerVersion.of(8, 0, 15));
        assertThat(ServerVersion.parse("5.7.22-log")).isEqualTo(ServerVersion.of(5, 7, 22));
        assertThat(ServerVersion.parse("11.4.5-MariaDB-log")).isEqualTo(ServerVersion.of(11, 4, 5));
        assertThat(ServerVersion.parse("8.0.36-28")).isEqualTo(ServerVersion.of(8, 0, 36));
    }

    @Test
    void comparesNumericallyNotAsText() {
        assertThat(ServerVersion.of(8, 0, 9)).isLessThan(ServerVersion.of(8, 0, 15));
        assertThat(ServerVersion.of(10, 11, 5)).isGreaterThan(ServerVersion.of(10, 4, 0));
        assertThat(ServerVersion.of(8, 0, 22).atLeast(8, 0, 22)).isTrue();
        assertThat(ServerVersion.of(8, 0, 21).atLeast(8, 0, 22)).isFalse();
    }

    @Test
    void failsLoudlyOnGarbageInsteadOfBecomingZero() {
        assertThatThrownBy(() -> ServerVersion.parse("garbage"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unable to determine server version from 'garbage'");
        assertThatThrownBy(() -> ServerVersion.parse("8.0")).isInstanceOf(IllegalArgumentException.class);
    }
}
