package io.github.quiesce.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BackupException;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.LongQueryGuard;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.EmbeddedServers;
import io.github.quiesce.testkit.ServerDistribution;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writers blocked for tens of seconds after a cancelled FTWRL with no long query running (issue 14,
 * part 3). The mechanism, reproduced here on MySQL 8.0.15: transaction A holds a row lock; statement B
 * waits for it, with its table open; a table flush then marks that table old, so A's next statement on
 * it waits for the flush, which waits for B, which waits for A. Cancelling the flush does not help;
 * only {@code innodb_lock_wait_timeout} (50 s by default) ends it. A statement waiting for a row lock
 * is a running statement to the guard, so it does not flush into that cycle once the wait has lasted
 * its threshold.
 */
class RowLockWaitFlushIT {

    private static final Logger LOG = LoggerFactory.getLogger(RowLockWaitFlushIT.class);
    private static final int INNODB_LOCK_WAIT_SECONDS = 4;

    private final EmbeddedServer server = EmbeddedServers.shared(ServerDistribution.MYSQL_8_0_15);

    @Test
    void aFlushNeverDeadlocksARowLockHolderWithItsWaiter() throws Exception {
        server.execute("CREATE DATABASE IF NOT EXISTS quiesce_rowlock",
                "CREATE TABLE IF NOT EXISTS quiesce_rowlock.t (id INT PRIMARY KEY, x INT NOT NULL) ENGINE=InnoDB",
                "REPLACE INTO quiesce_rowlock.t VALUES (1, 0), (2, 0), (3, 0)",
                "SET GLOBAL innodb_lock_wait_timeout = " + INNODB_LOCK_WAIT_SECONDS);
        try {
            BackupOptions guarded = BackupOptions.builder().strategy("ftwrl").acquireTimeout(Duration.ofMillis(300)).build();
            long withGuard = holdersNextStatementMillis(guarded);
            BackupOptions unguarded = guarded.toBuilder().longQueryGuard(LongQueryGuard.OFF).build();
            long withoutGuard = holdersNextStatementMillis(unguarded);
            LOG.info("row-lock holder's next statement with a waiter and an ftwrl session: {} ms with the guard, {} ms with it off",
                    withGuard, withoutGuard);
            // The control proves the cycle is real on this server: without the guard the holder waits until
            // innodb_lock_wait_timeout ends the waiter.
            assertThat(withoutGuard).as("without the guard").isGreaterThan((INNODB_LOCK_WAIT_SECONDS - 1) * 1000L);
            assertThat(withGuard).as("with the guard").isLessThan(500);
        } finally {
            server.execute("SET GLOBAL innodb_lock_wait_timeout = 50");
        }
    }

    /** A holds row 1, B waits for it, an ftwrl session starts; how long A's next statement takes. */
    private long holdersNextStatementMillis(BackupOptions options) throws Exception {
        try (Connection a = server.connect(); Statement sa = a.createStatement();
             Connection b = server.connect(); Statement sb = b.createStatement()) {
            a.setAutoCommit(false);
            sa.execute("UPDATE quiesce_rowlock.t SET x = x + 1 WHERE id = 1");
            CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> ignoreErrors(sb, "UPDATE quiesce_rowlock.t SET x = x + 1 WHERE id = 1"));
            Thread.sleep(100);
            CompletableFuture<Void> session = CompletableFuture.runAsync(() -> {
                try (BackupSession s = BackupSession.open(server.dataSource(), options)) {
                    s.coordinates();
                } catch (BackupException e) {
                    LOG.info("session refused: {}", e.getMessage());
                }
            });
            Thread.sleep(400);
            long start = System.nanoTime();
            sa.execute("UPDATE quiesce_rowlock.t SET x = x + 1 WHERE id = 2");
            long took = (System.nanoTime() - start) / 1_000_000;
            a.commit();
            waiter.get(30, TimeUnit.SECONDS);
            session.get(60, TimeUnit.SECONDS);
            return took;
        }
    }

    private static void ignoreErrors(Statement st, String sql) {
        try {
            st.execute(sql);
        } catch (SQLException e) {
            // 1205 when innodb_lock_wait_timeout ends the cycle: the control run's expected way out.
        }
    }
}
