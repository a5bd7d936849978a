package io.github.quiesce.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.Writers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The contract of strategies that stop every writer while held (a global read lock). */
public abstract class BlocksWritesContract extends LockStrategyContract {

    @Test
    void anInsertWaitsWhileTheSessionIsOpenAndCommitsAfterClose() throws Exception {
        String table = uniqueTable("blocked");
        Writers.createTable(server, SCHEMA, table);
        CompletableFuture<Long> insert;
        try (BackupSession s = BackupSession.open(server.dataSource(), options().build())) {
            insert = ServerChecks.runAsync(
                    server, "INSERT INTO " + SCHEMA + "." + table + " (writer, seq) VALUES (1, 1)");
            Thread.sleep(700);
            assertThat(insert)
                    .as("the insert must wait while the point is held")
                    .isNotDone();
            assertThat(ServerChecks.sessionsWaitingForLock(server)).isGreaterThanOrEqualTo(1);
        }
        insert.get(10, TimeUnit.SECONDS);
        assertThat(ServerChecks.count(server, "SELECT COUNT(*) FROM " + SCHEMA + "." + table))
                .isEqualTo(1);
    }

    @Test
    void coordinatesEqualWhatAnotherConnectionSeesWhileHeld() throws Exception {
        try (BackupSession s = BackupSession.open(server.dataSource(), options().build());
                Connection other = server.connect();
                Statement st = other.createStatement()) {
            BinlogCoordinates c = s.coordinates();
            try (ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
                assertThat(rs.next()).isTrue();
                assertThat(c.file()).isEqualTo(rs.getString("File"));
                assertThat(c.position()).isEqualTo(rs.getLong("Position"));
            }
            assertThat(c.gtidSet()).isEqualTo(currentGtidSet().replaceAll("\\s+", ""));
        }
    }
}
