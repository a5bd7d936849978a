package io.github.quiesce;

/**
 * The Galera node was not fit to be locked: not {@code Synced}, outside the primary component, shutting down,
 * or with more write-sets waiting to be applied than {@link GaleraGuard#maxReceiveQueue()}, for longer than
 * {@link GaleraGuard#timeout()}. Nothing was locked or changed. Retry when the node has caught up, or back up
 * another node.
 */
public class GaleraNodeNotReadyException extends LockAcquisitionException {

    private final transient GaleraState state;

    public GaleraNodeNotReadyException(String message, GaleraState state) {
        super(message);
        this.state = state;
    }

    /** The node's state at the last look. */
    public GaleraState state() {
        return state;
    }
}
