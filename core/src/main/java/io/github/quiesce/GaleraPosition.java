package io.github.quiesce;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A node's place in its Galera cluster's history: the cluster state UUID and the sequence number of the
 * last write-set committed ({@code wsrep_local_state_uuid:wsrep_last_committed}). mariabackup and
 * XtraBackup write it to {@code xtrabackup_galera_info}; a node restored from the backup joins its cluster
 * by incremental state transfer (IST) from it, when the donor's gcache still holds the write-sets after it.
 *
 * @param uuid  the cluster state UUID, e.g. {@code 58338d84-e646-11f1-9400-ba8ebf84b74e}
 * @param seqno the last committed write-set's sequence number (-1 before the first one)
 */
public record GaleraPosition(String uuid, long seqno) {

    private static final Pattern UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    public GaleraPosition {
        Objects.requireNonNull(uuid, "uuid");
        if (!UUID.matcher(uuid).matches()) {
            throw new IllegalArgumentException("not a Galera state UUID: '" + uuid + "'");
        }
        if (seqno < -1) {
            throw new IllegalArgumentException("Galera seqno must be -1 or more: " + seqno);
        }
    }

    /** {@code uuid:seqno}, the content of {@code xtrabackup_galera_info}. */
    @Override
    public String toString() {
        return uuid + ":" + seqno;
    }
}
