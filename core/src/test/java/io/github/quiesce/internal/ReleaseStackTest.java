package io.github.quiesce.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BackupSqlException;
import io.github.quiesce.spi.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unit edges of the release path: a driver failing at a given step. */
class ReleaseStackTest {

    private static BackupSqlException error(String statement, String state, int code) {
        return new BackupSqlException(statement + " failed", new SQLException("boom", state, code), statement, "test");
    }

    private final Sql sql = new JdbcSql(org.mockito.Mockito.mock(Connection.class), "test", "test");

    @Test
    void runsNewestFirst() {
        List<String> ran = new ArrayList<>();
        ReleaseStack stack = new ReleaseStack();
        stack.push("first", s -> ran.add("first"), false);
        stack.push("second", s -> ran.add("second"), false);
        ReleaseStack.Outcome o = stack.unwind(sql, false, () -> null, ReleaseStack.LostConnection.NOTHING);
        assertThat(ran).containsExactly("second", "first");
        assertThat(o.clean()).isTrue();
        assertThat(o.undone()).containsExactly("second", "first");
    }

    @Test
    void afterALostConnectionSessionStepsCountAsDroppedAndGlobalOnesRunElsewhere() {
        List<String> ranOnFresh = new ArrayList<>();
        ReleaseStack stack = new ReleaseStack();
        stack.push("SET GLOBAL read_only = OFF", s -> ranOnFresh.add(s == sql ? "same" : "fresh"), true);
        stack.push(
                "UNLOCK TABLES",
                s -> {
                    throw error("UNLOCK TABLES", "08S01", 2013);
                },
                false);
        Sql other = new JdbcSql(org.mockito.Mockito.mock(Connection.class), "fresh", "test");
        ReleaseStack.Outcome o = stack.unwind(sql, false, () -> sideOf(other), ReleaseStack.LostConnection.NOTHING);
        assertThat(o.connectionLost()).isTrue();
        assertThat(o.clean()).isTrue();
        assertThat(ranOnFresh).containsExactly("fresh");
        assertThat(o.undone())
                .containsExactly(
                        "UNLOCK TABLES (dropped by the server with the connection)",
                        "SET GLOBAL read_only = OFF (on a new connection)");
    }

    @Test
    void aStepThatFailsForAnotherReasonIsReportedAndTheRestStillRun() {
        List<String> ran = new ArrayList<>();
        ReleaseStack stack = new ReleaseStack();
        stack.push("restore", s -> ran.add("restore"), false);
        stack.push(
                "UNLOCK BINLOG",
                s -> {
                    throw error("UNLOCK BINLOG", "HY000", 1880);
                },
                false);
        ReleaseStack.Outcome o = stack.unwind(sql, false, () -> null, ReleaseStack.LostConnection.NOTHING);
        assertThat(ran).containsExactly("restore");
        assertThat(o.clean()).isFalse();
        assertThat(o.notUndone()).containsExactly("UNLOCK BINLOG");
        assertThat(o.firstFailure().vendorCode()).isEqualTo(1880);
    }

    private static SideConnection sideOf(Sql s) {
        return new SideConnection(org.mockito.Mockito.mock(Connection.class), s);
    }
}
