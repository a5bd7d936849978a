package io.github.quiesce.spi;

import java.time.Duration;

/**
 * One more connection the session holds for its strategy ({@link LockContext#openHeldConnection}), for a
 * lock that has to be spread over several connections and held on all of them at once, e.g.
 * {@code LOCK TABLES} over more tables than one statement may name. Its statements are logged and
 * observed like the session's own; the session ends it when it releases.
 */
public interface HeldConnection {

    /** Statement runner on this connection. */
    Sql sql();

    /** {@code CONNECTION_ID()} of this connection. */
    long connectionId();

    /** {@link LockContext#executeWithin} on this connection: cancelled from a second connection after {@code timeout}. */
    boolean executeWithin(String statement, Duration timeout);
}
