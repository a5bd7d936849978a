package io.github.quiesce.internal;

import io.github.quiesce.BackupException;
import io.github.quiesce.spi.Sql;
import io.github.quiesce.spi.support.LongQueries;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One statement on the lock connection that is cancelled with {@code KILL QUERY} from a second
 * connection if it runs past its timeout (mydumper's FTWRL monitor). The kill is sent only while the
 * statement is still ours to cancel; if it lands just after the statement finished, the server clears
 * a query kill at the start of the next command, so it cannot hit a later statement. The waiting
 * thread does not go on until the killer is done, for the same reason.
 */
final class SelfCancellingStatement {

    private static final Logger LOG = LoggerFactory.getLogger(SelfCancellingStatement.class);

    private enum State {
        RUNNING,
        DONE,
        KILLING,
        KILLED
    }

    private SelfCancellingStatement() {}

    /** @return true if the statement completed, false if it was cancelled here */
    static boolean run(Sql sql, String statement, Duration timeout, long connectionId, Supplier<SideConnection> side) {
        AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
        ScheduledFuture<?> killer = Timers.after(timeout, () -> {
            if (!state.compareAndSet(State.RUNNING, State.KILLING)) {
                return;
            }
            try (SideConnection canceller = side.get()) {
                LongQueries.killQuery(canceller.sql(), connectionId);
            } catch (RuntimeException e) {
                LOG.warn(
                        "quiesce: could not cancel '{}' on connection {} after {} ms: {}; it keeps waiting, bounded by lock_wait_timeout",
                        statement,
                        connectionId,
                        timeout.toMillis(),
                        e.getMessage());
            } finally {
                state.set(State.KILLED);
            }
        });
        try {
            sql.execute(statement);
        } catch (BackupException e) {
            boolean ours = state.get() != State.RUNNING && e.vendorCode() == SqlErrors.QUERY_INTERRUPTED;
            awaitKiller(killer, state);
            if (ours) {
                return false;
            }
            throw e;
        }
        awaitKiller(killer, state);
        return true;
    }

    /** Never return while a KILL QUERY for this connection may still be on its way. */
    private static void awaitKiller(ScheduledFuture<?> killer, AtomicReference<State> state) {
        if (state.compareAndSet(State.RUNNING, State.DONE)) {
            killer.cancel(false);
            return;
        }
        try {
            killer.get(30, TimeUnit.SECONDS);
        } catch (CancellationException | ExecutionException | TimeoutException e) {
            LOG.debug("quiesce: waiting for the canceller ended with {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
