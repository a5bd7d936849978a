package io.github.quiesce.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BackupException;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.LongQueryGuard;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.EmbeddedServers;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerDistribution;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writers blocked for tens of seconds after a cancelled FTWRL with no long query running (issue 14,
 * part 3). The mechanism, reproduced here on MySQL 8.0.15: transaction A holds a row lock; statement B
 * waits for it, with its table open; a table flush then marks that table old, so A's next statement on
 * it waits for the flush, which waits for B, which waits for A. Cancelling the flush does not help;
 * only {@code innodb_lock_wait_timeout} (50 s by default) ends it. A statement waiting for a row lock
 * is a running statement to the guard, so it does not flush into that cycle once the wait has lasted
 * its threshold; a younger wait can still slip past, and then the session ends B's doomed statement
 * after cancelling its flush ({@code FlushDeadlocks}). On MySQL 5.7.22 and MariaDB 10.2.11 the session finds
 * the cycle in information_schema, a cache it must prove fresh ({@code InnodbTrxCache}); on 8.0.15 in
 * performance_schema.
 */
class RowLockWaitFlushIT {

    private static final Logger LOG = LoggerFactory.getLogger(RowLockWaitFlushIT.class);
    private static final int INNODB_LOCK_WAIT_SECONDS = 4;

    private EmbeddedServer server;

    @ParameterizedTest
    @EnumSource(
            value = ServerDistribution.class,
            names = {"MYSQL_8_0_15", "MYSQL_5_7_22", "MARIADB_10_2_11"})
    void aFlushNeverDeadlocksARowLockHolderWithItsWaiter(ServerDistribution distribution) throws Exception {
        server = EmbeddedServers.shared(distribution);
        server.execute(
                "CREATE DATABASE IF NOT EXISTS quiesce_rowlock",
                "CREATE TABLE IF NOT EXISTS quiesce_rowlock.t (id INT PRIMARY KEY, x INT NOT NULL) ENGINE=InnoDB",
                "REPLACE INTO quiesce_rowlock.t VALUES (1, 0), (2, 0), (3, 0)",
                "SET GLOBAL innodb_lock_wait_timeout = " + INNODB_LOCK_WAIT_SECONDS);
        try {
            Outcome raw = holdersNextStatement(this::rawCancelledFlush);
            BackupOptions guarded = BackupOptions.builder()
                    .strategy("ftwrl")
                    .acquireTimeout(Duration.ofMillis(300))
                    .build();
            Outcome withGuard = holdersNextStatement(() -> session(guarded));
            Outcome slipped = holdersNextStatement(() -> session(
                    guarded.toBuilder().longQueryGuard(LongQueryGuard.OFF).build()));
            LOG.info(
                    "row-lock holder's next statement with a waiter and a flush: {} after a raw flush cancelled at 300 ms,"
                            + " {} under ftwrl with the guard, {} under ftwrl with the guard off",
                    raw,
                    withGuard,
                    slipped);
            // The control proves the cycle is real on this server: the holder waits until innodb_lock_wait_timeout ends
            // the waiter.
            assertThat(raw.holderMillis()).as("raw flush").isGreaterThan((INNODB_LOCK_WAIT_SECONDS - 1) * 1000L);
            assertThat(raw.waiterError()).contains("Lock wait timeout");
            assertThat(withGuard.holderMillis()).as("with the guard").isLessThan(500);
            assertThat(withGuard.waiterError()).isNull();
            // The guard off lets the flush meet the wait; the session then ends the waiter's doomed statement.
            assertThat(slipped.holderMillis()).as("guard off, cycle broken").isLessThan(1_500);
            assertThat(slipped.waiterError()).contains("interrupted");
        } finally {
            server.execute("SET GLOBAL innodb_lock_wait_timeout = 50");
        }
    }

    /** How long A's next statement took, and the error B's statement got (null if it completed). */
    record Outcome(long holderMillis, String waiterError) {}

    private void session(BackupOptions options) {
        try (BackupSession s = BackupSession.open(server.dataSource(), options)) {
            s.coordinates();
        } catch (BackupException e) {
            LOG.info("session refused: {}", e.getMessage());
        }
    }

    /** What quiesce must never leave behind: a table flush cancelled while a row-lock waiter has the table open. */
    private void rawCancelledFlush() {
        try (Connection c = server.connect();
                Statement st = c.createStatement()) {
            CompletableFuture<Void> killer = CompletableFuture.runAsync(() -> {
                sleep(300);
                server.execute("KILL QUERY " + ServerChecks.connectionId(c));
            });
            ignoreErrors(st, "FLUSH NO_WRITE_TO_BINLOG TABLES");
            killer.join();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A holds row 1, B waits for it, then {@code flush} runs alongside; how A's next statement and B's fare. */
    private Outcome holdersNextStatement(Runnable flush) throws Exception {
        try (Connection a = server.connect();
                Statement sa = a.createStatement();
                Connection b = server.connect();
                Statement sb = b.createStatement()) {
            a.setAutoCommit(false);
            sa.execute("UPDATE quiesce_rowlock.t SET x = x + 1 WHERE id = 1");
            CompletableFuture<String> waiter = CompletableFuture.supplyAsync(
                    () -> ignoreErrors(sb, "UPDATE quiesce_rowlock.t SET x = x + 1 WHERE id = 1"));
            Thread.sleep(100);
            CompletableFuture<Void> session = CompletableFuture.runAsync(flush);
            Thread.sleep(400);
            long start = System.nanoTime();
            sa.execute("UPDATE quiesce_rowlock.t SET x = x + 1 WHERE id = 2");
            long took = (System.nanoTime() - start) / 1_000_000;
            a.commit();
            String waiterError = waiter.get(30, TimeUnit.SECONDS);
            session.get(60, TimeUnit.SECONDS);
            return new Outcome(took, waiterError);
        }
    }

    /** @return the error message, or null when the statement completed */
    private static String ignoreErrors(Statement st, String sql) {
        try {
            st.execute(sql);
            return null;
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
