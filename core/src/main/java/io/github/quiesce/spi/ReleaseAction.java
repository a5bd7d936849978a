package io.github.quiesce.spi;

/** One step that undoes something a strategy did, e.g. {@code UNLOCK TABLES}. */
@FunctionalInterface
public interface ReleaseAction {

    /**
     * Undoes the step.
     *
     * @param sql the session's lock connection, or, for a {@link LockContext#onReleaseGlobal global}
     *            step whose connection was lost, a side connection to the same server
     */
    void run(Sql sql);
}
