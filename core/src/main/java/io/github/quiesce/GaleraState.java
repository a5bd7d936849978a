package io.github.quiesce;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a Galera node's status variables said at one moment ({@code SHOW GLOBAL STATUS LIKE 'wsrep_%'}):
 * whether it is in the primary component, its state in the cluster, and how many write-sets it has
 * received but not applied yet.
 *
 * @param clusterStatus     {@code wsrep_cluster_status}: {@code Primary}, {@code non-Primary} or {@code Disconnected}
 * @param clusterSize       {@code wsrep_cluster_size}: nodes in the component
 * @param localState        {@code wsrep_local_state}: 1 Joining, 2 Donor/Desynced, 3 Joined, 4 Synced
 * @param localStateComment {@code wsrep_local_state_comment}, e.g. {@code Synced}, {@code Donor/Desynced}, {@code Joined}
 * @param receiveQueue      {@code wsrep_local_recv_queue}: write-sets received and waiting to be applied
 * @param ready             {@code wsrep_ready}: the node accepts queries
 * @param stateUuid         {@code wsrep_local_state_uuid}
 * @param lastCommitted     {@code wsrep_last_committed}
 */
public record GaleraState(
        String clusterStatus,
        int clusterSize,
        int localState,
        String localStateComment,
        long receiveQueue,
        boolean ready,
        String stateUuid,
        long lastCommitted) {

    /** {@code wsrep_local_state} of a node that applies in step with the cluster (and takes part in flow control). */
    public static final int SYNCED = 4;

    /** The status variables this record is read from (one {@code SHOW GLOBAL STATUS}). */
    public static final java.util.List<String> STATUS_VARIABLES = java.util.List.of(
            "wsrep_cluster_status",
            "wsrep_cluster_size",
            "wsrep_local_state",
            "wsrep_local_state_comment",
            "wsrep_local_recv_queue",
            "wsrep_ready",
            "wsrep_local_state_uuid",
            "wsrep_last_committed");

    public GaleraState {
        clusterStatus = clusterStatus == null ? "" : clusterStatus;
        localStateComment = localStateComment == null ? "" : localStateComment;
        stateUuid = stateUuid == null ? "" : stateUuid;
    }

    /**
     * Reads the state from status variables (lower-case names), as {@code SHOW GLOBAL STATUS} printed them.
     *
     * @return empty when the server printed no {@code wsrep_local_state}: no Galera provider is loaded
     * @throws IllegalArgumentException when a value is not what Galera prints (loudly: a guess could lock a lagging node)
     */
    public static Optional<GaleraState> of(Map<String, String> status) {
        String state = status.get("wsrep_local_state");
        if (state == null || state.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new GaleraState(
                status.get("wsrep_cluster_status"),
                (int) number(status, "wsrep_cluster_size"),
                (int) number(status, "wsrep_local_state"),
                status.get("wsrep_local_state_comment"),
                number(status, "wsrep_local_recv_queue"),
                isOn(status.get("wsrep_ready")),
                status.get("wsrep_local_state_uuid"),
                number(status, "wsrep_last_committed")));
    }

    private static long number(Map<String, String> status, String name) {
        String v = status.get(name);
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Galera status " + name + " is not a number: '" + v + "'", e);
        }
    }

    private static boolean isOn(String v) {
        return v != null && (v.equalsIgnoreCase("ON") || v.equals("1"));
    }

    /** In the primary component: the cluster can commit. */
    public boolean primary() {
        return clusterStatus.equalsIgnoreCase("Primary");
    }

    /** {@code Synced}: the node applies in step with the cluster. */
    public boolean synced() {
        return localState == SYNCED;
    }

    /** Synced, in the primary component, accepting queries, and with at most {@code maxReceiveQueue} write-sets waiting. */
    public boolean readyToLock(long maxReceiveQueue) {
        return primary() && ready && synced() && receiveQueue <= maxReceiveQueue;
    }

    /** The position these variables describe; meaningful only while the node applies nothing (paused by a lock). */
    public Optional<GaleraPosition> position() {
        if (stateUuid.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new GaleraPosition(stateUuid, lastCommitted));
    }

    /** e.g. {@code Donor/Desynced, 3,541 write-sets queued, Primary component of 2 nodes}. */
    public String describe() {
        return (localStateComment.isEmpty() ? "state " + localState : localStateComment) + ", "
                + String.format(Locale.ROOT, "%,d", receiveQueue) + " write-set" + (receiveQueue == 1 ? "" : "s")
                + " queued, "
                + (clusterStatus.isEmpty() ? "unknown" : clusterStatus) + " component of " + clusterSize + " node"
                + (clusterSize == 1 ? "" : "s")
                + (ready ? "" : ", not ready (wsrep_ready=OFF)");
    }

    @Override
    public String toString() {
        return describe();
    }
}
