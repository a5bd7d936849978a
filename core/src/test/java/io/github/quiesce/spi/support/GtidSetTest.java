package io.github.quiesce.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.quiesce.BinlogCoordinates;
import org.junit.jupiter.api.Test;

class GtidSetTest {

    static final String A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    static final String B = "4f22fa47-71ca-11e1-9e33-c80aa9429562";

    @Test
    void parsesWhatGtidExecutedPrintsIncludingNewlinesAndGaps() {
        GtidSet set = GtidSet.parse(B + ":1-3,\n" + A.toUpperCase() + ":1-5:7:6");
        assertThat(set.toString()).isEqualTo(A + ":1-7," + B + ":1-3");
        assertThat(set.size()).isEqualTo(10);
        assertThat(set.contains(A, 7)).isTrue();
        assertThat(set.contains(A, 8)).isFalse();
        assertThat(set.containsAll(GtidSet.parse(A + ":2-4"))).isTrue();
        assertThat(set.containsAll(GtidSet.parse(A + ":2-8"))).isFalse();
        assertThat(GtidSet.parse("").isEmpty()).isTrue();
    }

    @Test
    void rejectsWhatIsNotAMysqlGtidSet() {
        assertThatThrownBy(() -> GtidSet.parse("0-1-57")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GtidSet.parse(A + ":x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTransactionAtThePositionMustBeTheFirstOneMissingFromTheSet() {
        BinlogCoordinates c = new BinlogCoordinates("binlog.000001", 1234, A + ":1-10");
        assertThat(BinlogAgreement.nextTransaction(c, A, 11, A)).isEqualTo(new BinlogAgreement.Agrees(c));
        assertThat(BinlogAgreement.nextTransaction(c, A, 10, A)).isInstanceOf(BinlogAgreement.Disagrees.class);
        assertThat(BinlogAgreement.nextTransaction(new BinlogCoordinates("b", 4, ""), A, 1, A))
                .isInstanceOf(BinlogAgreement.Agrees.class);
    }

    @Test
    void aSetThatLagsOnTheServersOwnTransactionsIsCorrectedOthersAreNot() {
        // Bug #102175 as measured on 8.0.15: the event at the position is N+2 while the set ends at N.
        BinlogCoordinates c = new BinlogCoordinates("binlog.000001", 1234, A + ":1-10," + B + ":1-3");
        assertThat(BinlogAgreement.nextTransaction(c, A, 12, A))
                .isEqualTo(new BinlogAgreement.Agrees(
                        new BinlogCoordinates("binlog.000001", 1234, A + ":1-11," + B + ":1-3")));
        assertThat(BinlogAgreement.nextTransaction(c, B, 6, A))
                .as("another source's order is not known")
                .isInstanceOf(BinlogAgreement.Disagrees.class);
    }

    @Test
    void mysql83TaggedSetsKeepEachTagsOwnSequence() {
        // As MySQL 8.3+ prints gtid_executed on an InnoDB Cluster member (the AdminAPI writes the mysqlsh tag).
        GtidSet set = GtidSet.parse(B + ":1-3,\n" + A.toUpperCase() + ":1-42:MySQLSh:1-7:9:_x1:5");
        assertThat(set.toString()).isEqualTo(A + ":1-42:_x1:5:mysqlsh:1-7:9," + B + ":1-3");
        assertThat(GtidSet.parse(set.toString())).isEqualTo(set);
        assertThat(set.size()).isEqualTo(42 + 8 + 1 + 3);
        assertThat(set.contains(A, 42)).isTrue();
        assertThat(set.contains(A + ":mysqlsh", 7)).isTrue();
        assertThat(set.contains(A + ":MYSQLSH", 8))
                .as("a tag numbers its own transactions")
                .isFalse();
        assertThat(set.contains(A, 43)).isFalse();
        assertThat(set.last(A + ":mysqlsh")).isEqualTo(9);
        assertThat(set.containsAll(GtidSet.parse(A + ":mysqlsh:2-7"))).isTrue();
        assertThat(set.containsAll(GtidSet.parse(A + ":other:1"))).isFalse();
        assertThat(set.with(A + ":mysqlsh", 8, 8).toString()).isEqualTo(A + ":1-42:_x1:5:mysqlsh:1-9," + B + ":1-3");
        assertThat(GtidSet.parse(A + ":mysqlsh:1-2").toString())
                .as("tagged only")
                .isEqualTo(A + ":mysqlsh:1-2");
    }

    @Test
    void rejectsATagWithoutTransactionsOrAnInvalidTag() {
        assertThatThrownBy(() -> GtidSet.parse(A + ":1-5:mysqlsh")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GtidSet.parse(A + ":a:b:1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GtidSet.parse(A + ":9tag:1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GtidSet.parse(A + ":" + "t".repeat(33) + ":1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsTheGtidOfAnEventWithOrWithoutATag() {
        assertThat(BinlogAgreement.gtidOf("SET @@SESSION.GTID_NEXT= '" + A + ":11'"))
                .contains(java.util.Map.entry(A, 11L));
        assertThat(BinlogAgreement.gtidOf("SET @@SESSION.GTID_NEXT= '" + A + ":mysqlsh:5'"))
                .contains(java.util.Map.entry(A + ":mysqlsh", 5L));
        assertThat(BinlogAgreement.gtidOf("SET @@SESSION.GTID_NEXT= 'ANONYMOUS'"))
                .isEmpty();
    }

    @Test
    void aTaggedTransactionAtThePositionIsCheckedAgainstItsTag() {
        BinlogCoordinates c = new BinlogCoordinates("binlog.000001", 1234, A + ":1-10:mysqlsh:1-4");
        assertThat(BinlogAgreement.nextTransaction(c, A + ":mysqlsh", 5, A)).isEqualTo(new BinlogAgreement.Agrees(c));
        assertThat(BinlogAgreement.nextTransaction(c, A + ":mysqlsh", 4, A))
                .isInstanceOf(BinlogAgreement.Disagrees.class);
        // Only the untagged sequence of the server's own UUID is known to be written in order, so only it is corrected.
        assertThat(BinlogAgreement.nextTransaction(c, A + ":mysqlsh", 7, A))
                .isInstanceOf(BinlogAgreement.Disagrees.class);
    }
}
