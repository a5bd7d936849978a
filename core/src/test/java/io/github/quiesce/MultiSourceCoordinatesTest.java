package io.github.quiesce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A multi-source replica's coordinates never pass for one source's: one alone would lose the others' transactions. */
class MultiSourceCoordinatesTest {

    private static final ReplicaSource A = new ReplicaSource("a", "h1", 3306, "binlog.000001", 120, "", "x", "");
    private static final ReplicaSource B = new ReplicaSource("b", "h2", 3307, "binlog.000009", 4711, "", "y", "");
    private static final BinlogCoordinates OWN = new BinlogCoordinates("binlog.000003", 77, "");

    @Test
    void everySourceIsGivenInOrderAndNoneAlone() {
        BinlogCoordinates c = OWN.withSources(List.of(A, B));
        assertThat(c.replicaSources()).containsExactly(A, B);
        assertThatThrownBy(c::replicaSource)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2 sources")
                .hasMessageContaining("'a', 'b'")
                .hasMessageContaining("replicaSources()");
        assertThat(c.toString())
                .isEqualTo(
                        "binlog.000003:77 (source 'a' h1:3306 binlog.000001:120) (source 'b' h2:3307 binlog.000009:4711)");
    }

    @Test
    void oneSourceIsStillTheReplicaSource() {
        ReplicaSource only = new ReplicaSource("h1", 3306, "binlog.000001", 120, "", "x", "");
        BinlogCoordinates c = OWN.withSource(only);
        assertThat(c.replicaSource()).contains(only);
        assertThat(c.replicaSources()).containsExactly(only);
        assertThat(only.channel()).isEmpty();
        assertThat(OWN.replicaSource()).isEmpty();
        assertThat(OWN.replicaSources()).isEmpty();
    }
}
