package io.github.quiesce.readonly;

import io.github.quiesce.CoordinatesUnavailableException;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.spi.Sql;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MariaDB replica's status, read once its applier has finished recording its last commit.
 *
 * <p>MariaDB's serial applier commits a transaction, lets go of the commit lock, and only then records
 * its GTID in {@code @@gtid_slave_pos} and its source position in {@code Exec_Master_Log_Pos}.
 * {@code FLUSH TABLES WITH READ LOCK} taken in that gap holds data that has the transaction while both
 * still name the one before, a point from which a restored copy applies it twice (MariaDB 10.2.11 under
 * four writers: 4 holds in 300 read one transaction behind the rows). The applier waits for a lock, or
 * idles at the end of its relay log, only after that bookkeeping, and nothing commits under the lock; so
 * the status is read again after {@code SHOW SLAVE STATUS} has shown it stopped, waiting for a lock or idle.
 *
 * <p>With parallel replication ({@code slave_parallel_threads > 0}) workers, not this thread, apply and
 * record; {@code FLUSH TABLES WITH READ LOCK} itself waits for the event groups they have in progress
 * (MariaDB's "pause for FTWRL"), and the thread that feeds them then waits for room in their queues, a
 * state that says nothing about them. There the first read is taken. MySQL records both inside the
 * commit (its executed GTID set in the commit itself, the position in the transaction), so its first read
 * is exact too.
 */
final class SettledApplier {

    /**
     * A lock wait ("Waiting for global read lock", "... commit lock", "... backup lock") or the idle state
     * ("Slave has read all relay log; ..."). Not any state naming a lock: "Unlocking tables" is the gap itself.
     */
    private static final Pattern SETTLED = Pattern.compile("^waiting for .*lock$|read all relay log");

    /** MariaDB's number of parallel applier workers; 0 applies serially in the SQL thread. */
    static final String PARALLEL_THREADS = "slave_parallel_threads";

    private static final Duration POLL = Duration.ofMillis(2);

    private static final Logger LOG = LoggerFactory.getLogger(SettledApplier.class);

    private SettledApplier() {}

    /**
     * The replica status once settled, empty on a server that is not a replica.
     *
     * @throws CoordinatesUnavailableException when the applier shows no settled state within {@code limit}
     */
    static Optional<ReplicaStatus> read(Sql sql, ServerInfo server, Duration limit) {
        Optional<ReplicaStatus> first = ReplicaStatus.read(sql, server);
        if (first.isEmpty() || !server.isMariaDb() || appliesInParallel(server)) {
            return first;
        }
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        ReplicaStatus last = first.get();
        while (!settled(last)) {
            if (System.nanoTime() > deadline) {
                throw new CoordinatesUnavailableException("The applier of the replica " + server
                        + " did not reach a lock wait or the end of its relay log within " + limit.toMillis()
                        + " ms under the lock (its state: '" + last.sqlThreadState() + "'), so its source"
                        + " coordinates may still name the transaction before the data. Retry; if this"
                        + " persists, use ReadOnlyStrategy.STOP_REPLICA_SQL_THREAD.");
            }
            sleep();
            last = ReplicaStatus.read(sql, server).orElseThrow();
        }
        // Seen settled: its bookkeeping is done and nothing can commit, so this read is the point (the read
        // that saw the state may have taken the positions a moment before it).
        ReplicaStatus settled = ReplicaStatus.read(sql, server).orElseThrow();
        LOG.debug(
                "quiesce: the applier of {} settled in {} ms (state '{}')",
                server,
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e6),
                last.sqlThreadState());
        return Optional.of(settled);
    }

    private static boolean appliesInParallel(ServerInfo server) {
        return server.variable(PARALLEL_THREADS)
                .filter(v -> v.matches("\\d+"))
                .map(v -> Long.parseLong(v) > 0)
                .orElse(false);
    }

    static boolean settled(ReplicaStatus status) {
        if (!status.sqlThreadRunning()) {
            return true;
        }
        return SETTLED.matcher(status.sqlThreadState().trim().toLowerCase(Locale.ROOT))
                .find();
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatesUnavailableException("interrupted while waiting for the replica's applier");
        }
    }
}
