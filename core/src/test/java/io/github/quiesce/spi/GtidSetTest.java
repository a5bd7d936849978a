package io.github.quiesce.spi;

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
        assertThat(BinlogAgreement.nextTransaction(new BinlogCoordinates("b", 4, ""), A, 1, A)).isInstanceOf(BinlogAgreement.Agrees.class);
    }

    @Test
    void aSetThatLagsOnTheServersOwnTransactionsIsCorrectedOthersAreNot() {
        // Bug #102175 as measured on 8.0.15: the event at the position is N+2 while the set ends at N.
        BinlogCoordinates c = new BinlogCoordinates("binlog.000001", 1234, A + ":1-10," + B + ":1-3");
        assertThat(BinlogAgreement.nextTransaction(c, A, 12, A))
                .isEqualTo(new BinlogAgreement.Agrees(new BinlogCoordinates("binlog.000001", 1234, A + ":1-11," + B + ":1-3")));
        assertThat(BinlogAgreement.nextTransaction(c, B, 6, A)).as("another source's order is not known")
                .isInstanceOf(BinlogAgreement.Disagrees.class);
    }
}
