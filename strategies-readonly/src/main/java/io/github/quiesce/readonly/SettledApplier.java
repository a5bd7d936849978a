package io.github.quiesce.readonly;

import io.github.quiesce.CoordinatesUnavailableException;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.spi.Sql;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's status, read once its applier has finished recording its last commit, and whether the
 * source position it shows is exact.
 *
 * <p>A serial applier commits a transaction, lets go of the commit lock, and only then moves its source
 * position ({@code Exec_Source_Log_Pos}; MariaDB also {@code @@gtid_slave_pos}). {@code FLUSH TABLES WITH
 * READ LOCK} taken in that gap holds data that has the transaction while the status still names the one
 * before, a point from which a restored copy applies it twice. Measured under four writers: MariaDB
 * 10.2.11, 4 holds in 300 one transaction behind the rows; MySQL 8.0.15, 1 in 150 with the position one
 * behind its executed GTID set (which MySQL moves inside the commit). The applier waits for a lock, or idles
 * at the end of its relay log, only after that bookkeeping, and nothing commits under the lock; so the
 * status is read again after {@code SHOW REPLICA STATUS} has shown each applier stopped, waiting for a lock
 * or idle.
 *
 * <p>Parallel appliers differ. MariaDB's ({@code slave_parallel_threads > 0}): {@code FLUSH TABLES WITH
 * READ LOCK} itself waits for the event groups its workers have in progress, and the thread that feeds them
 * then waits for room in their queues, a state that says nothing about them; the first read is taken (0
 * holds in 250 wrong on 10.2.11 and 11.4.5). MySQL's multi-threaded applier ({@code replica_parallel_workers
 * > 0}, the default from 8.0.27) shows as its position its last checkpoint, hundreds of transactions behind
 * the data (MySQL 8.0.15, 4 workers: wrong in nearly every hold), so while it runs {@link #positionExact}
 * says no and only the GTID set is given; stopped, it has checkpointed everything it applied.
 */
final class SettledApplier {

    /**
     * A lock wait ("Waiting for global read lock", "... commit lock", "... backup lock"), the idle state
     * ("Slave has read all relay log; ..."), or a delayed replica's wait before its next transaction
     * ("Waiting until MASTER_DELAY seconds after master executed event"). Not any state naming a lock:
     * "Unlocking tables" is the gap itself.
     */
    private static final Pattern SETTLED =
            Pattern.compile("^waiting for .*lock$|read all relay log|^waiting until (master|source)_delay seconds");

    /** MariaDB's number of parallel applier workers; 0 applies serially in the SQL thread. */
    static final String PARALLEL_THREADS = "slave_parallel_threads";
    /** MySQL's number of applier workers, named so before 8.0.26; 0 applies serially. */
    static final String PARALLEL_WORKERS_OLD = "slave_parallel_workers";

    /** The same from MySQL 8.0.26 on. */
    static final String PARALLEL_WORKERS = "replica_parallel_workers";

    private static final Duration POLL = Duration.ofMillis(2);

    private static final Logger LOG = LoggerFactory.getLogger(SettledApplier.class);

    private SettledApplier() {}

    /**
     * The status of every source once each applier has settled; empty on a server that is not a replica.
     *
     * @throws CoordinatesUnavailableException when an applier shows no settled state within {@code limit}
     */
    static List<ReplicaStatus> readAll(Sql sql, ServerInfo server, Duration limit) {
        List<ReplicaStatus> first = ReplicaStatus.readAll(sql, server);
        if (first.isEmpty() || appliesInParallel(server)) {
            return first;
        }
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        List<ReplicaStatus> last = first;
        Optional<ReplicaStatus> busy;
        while ((busy = last.stream().filter(s -> !settled(s)).findFirst()).isPresent()) {
            if (System.nanoTime() > deadline) {
                ReplicaStatus b = busy.get();
                throw new CoordinatesUnavailableException("The applier of the replica " + server
                        + (b.channel().isEmpty() ? "" : " (connection '" + b.channel() + "')")
                        + " did not reach a lock wait or the end of its relay log within " + limit.toMillis()
                        + " ms under the lock (its state: '" + b.sqlThreadState() + "'), so its source"
                        + " coordinates may still name the transaction before the data. Retry; if this"
                        + " persists, use ReadOnlyStrategy.STOP_REPLICA_SQL_THREAD.");
            }
            sleep();
            last = ReplicaStatus.readAll(sql, server);
        }
        // Seen settled: the bookkeeping is done and nothing can commit, so this read is the point (the read
        // that saw the state may have taken the positions a moment before it).
        List<ReplicaStatus> settled = ReplicaStatus.readAll(sql, server);
        LOG.debug(
                "quiesce: the appliers of {} settled in {} ms (states {})",
                server,
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e6),
                last.stream().map(ReplicaStatus::sqlThreadState).toList());
        return settled;
    }

    /**
     * Whether the source position in this status is the data's: not while a MySQL multi-threaded applier
     * runs, whose position is its last checkpoint.
     */
    static boolean positionExact(ServerInfo server, ReplicaStatus status) {
        return server.isMariaDb() || !status.sqlThreadRunning() || !appliesInParallel(server);
    }

    private static boolean appliesInParallel(ServerInfo server) {
        List<String> names =
                server.isMariaDb() ? List.of(PARALLEL_THREADS) : List.of(PARALLEL_WORKERS, PARALLEL_WORKERS_OLD);
        return names.stream()
                .map(server::variable)
                .flatMap(Optional::stream)
                .filter(v -> v.matches("\\d+"))
                .anyMatch(v -> Long.parseLong(v) > 0);
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
