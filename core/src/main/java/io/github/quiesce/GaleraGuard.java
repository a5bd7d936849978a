package io.github.quiesce;

import java.time.Duration;

/**
 * How a session treats a Galera node that lags behind its cluster. Before any lock, the node must be
 * {@code Synced}, in the primary component, with at most {@code maxReceiveQueue} write-sets waiting to be
 * applied: otherwise the session waits, up to {@code timeout}, then refuses with a
 * {@link GaleraNodeNotReadyException} naming the node's state. A lagging node is no place for a lock: every
 * lock that desyncs the node (FTWRL, {@code BACKUP STAGE BLOCK_DDL}, {@code SET GLOBAL wsrep_desync=ON})
 * waits until the node has applied its whole queue, and {@code KILL QUERY} does not end that wait (measured
 * on MariaDB 10.11.19: 3,600 write-sets queued, {@code BACKUP STAGE BLOCK_DDL} 1.5 s, FTWRL 1.8 s, each
 * still running 1.4 s after being killed). After the release the session waits, up to the same
 * {@code timeout}, for the node to be {@code Synced} again, and reports how long it took.
 *
 * @param maxReceiveQueue the most write-sets a node may have waiting ({@code wsrep_local_recv_queue}) to be locked
 * @param timeout         how long to wait for the node before the lock, and again after the release
 */
public record GaleraGuard(long maxReceiveQueue, Duration timeout) {

    /**
     * At most 100 write-sets queued (a synced node under flow control keeps about {@code gcs.fc_limit}, 16 by
     * default, so 100 is lag, not noise), waiting up to 30 s.
     */
    public static final GaleraGuard DEFAULT = new GaleraGuard(100, Duration.ofSeconds(30));

    public GaleraGuard {
        if (maxReceiveQueue < 0) {
            throw new IllegalArgumentException("maxReceiveQueue must not be negative, was " + maxReceiveQueue);
        }
        BackupOptions.positive("timeout", timeout, Duration.ofDays(1));
    }
}
