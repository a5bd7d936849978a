package io.github.quiesce.spi.support;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupEvent.GaleraPhase;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.CoordinatesUnavailableException;
import io.github.quiesce.GaleraDesync;
import io.github.quiesce.GaleraGuard;
import io.github.quiesce.GaleraNode;
import io.github.quiesce.GaleraNodeNotReadyException;
import io.github.quiesce.GaleraState;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.MissingPrivilegeException;
import io.github.quiesce.Privilege;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.PrivilegeRequirement;
import io.github.quiesce.spi.RecoverContext;
import io.github.quiesce.spi.Sql;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every strategy does on a Galera node, and every statement it runs there:
 * <ul>
 *   <li>{@link #state}: {@value #STATUS_PREFIX}{@code ...)} with the names of {@link GaleraState#STATUS_VARIABLES};</li>
 *   <li>{@link #awaitReady}: before any lock, wait (bounded by {@link GaleraGuard}) until the node is Synced with a
 *       short receive queue, or refuse with {@link GaleraNodeNotReadyException}. Every lock that desyncs a node
 *       waits for the node to apply its whole queue first, and {@code KILL QUERY} does not end that wait
 *       (measured on MariaDB 10.11.19), so the only bound on it is not to start it on a lagging node;</li>
 *   <li>{@link #beforeLock}: where the server does not desync the node for the strategy's lock (or the options
 *       say {@link GaleraDesync#ALWAYS}), journal, then {@value #DESYNC_ON}, before the lock: set after a global
 *       read lock it blocks the node (galera issue 131, refused since MDEV-15933). Its release waits for the
 *       receive queue to drain before {@value #DESYNC_OFF}: resyncing a node with a long queue makes it send
 *       flow control and stalls the cluster (galera issue 289);</li>
 *   <li>{@link #executeLock}: a lock statement bounded by {@code acquireTimeout} ({@code KILL QUERY} from a
 *       second connection), {@code BACKUP STAGE} included;</li>
 *   <li>{@link #withPosition}: the node's {@code wsrep_local_state_uuid:wsrep_last_committed}, read where the
 *       binary log coordinates are read, while the lock keeps the node from applying;</li>
 *   <li>{@link #awaitSynced}: after the release, wait (bounded) for the node to be Synced again;</li>
 *   <li>{@link #recover}: after a crash, {@value #DESYNC_OFF} if the journal says the session set it.</li>
 * </ul>
 * On a server that is not a Galera node every method does nothing.
 */
public final class Galera {

    static final String STATUS_PREFIX = "SHOW GLOBAL STATUS WHERE Variable_name IN (";
    /** The status that {@link GaleraState} is read from. */
    public static final String STATUS =
            STATUS_PREFIX + String.join(", ", Collections.nCopies(GaleraState.STATUS_VARIABLES.size(), "?")) + ")";

    public static final String DESYNC_STATE = "SELECT @@GLOBAL.wsrep_desync";
    public static final String DESYNC_ON = "SET GLOBAL wsrep_desync = ON";
    public static final String DESYNC_OFF = "SET GLOBAL wsrep_desync = OFF";

    /** Journal key: the session set {@code wsrep_desync=ON} itself and must set it OFF. */
    public static final String JOURNAL_DESYNC_SET = "galera.wsrep_desync.set";

    private static final Logger LOG = LoggerFactory.getLogger(Galera.class);
    private static final long FIRST_POLL_MILLIS = 5;
    private static final long MAX_POLL_MILLIS = 200;

    private Galera() {}

    /** The node's state now; empty on a server that has no Galera provider loaded. */
    public static java.util.Optional<GaleraState> state(Sql sql) {
        Map<String, String> status = new HashMap<>();
        for (Map<String, String> row : sql.rows(STATUS, GaleraState.STATUS_VARIABLES.toArray())) {
            status.put(row.get("Variable_name").toLowerCase(Locale.ROOT), row.get("Value"));
        }
        return GaleraState.of(status);
    }

    private static GaleraState stateOf(Sql sql, ServerInfo server) {
        return state(sql)
                .orElseThrow(() -> new LockAcquisitionException(server + " was probed as a Galera node but no longer"
                        + " reports wsrep_local_state: its provider was unloaded"));
    }

    /**
     * Before the lock: returns at once when the node is Synced, in the primary component, ready, and has at most
     * {@link GaleraGuard#maxReceiveQueue()} write-sets queued; otherwise waits for that up to {@link GaleraGuard#timeout()},
     * telling {@code events} ({@link BackupEvent.WaitingForGalera}, {@link BackupEvent.WaitedForGalera}).
     *
     * @return how long it waited (zero when the server is not a Galera node)
     * @throws GaleraNodeNotReadyException when the node is shutting down, or still not ready after the timeout
     */
    public static Duration awaitReady(Sql sql, ServerInfo server, GaleraGuard guard, Consumer<BackupEvent> events) {
        GaleraNode node = server.galera().orElse(null);
        if (node == null) {
            return Duration.ZERO;
        }
        long start = System.nanoTime();
        if (node.shuttingDown()) {
            throw new GaleraNodeNotReadyException(
                    "Refused to lock " + server + ": it is shutting down (pxc_maint_mode=SHUTDOWN)."
                            + " Nothing was locked. Back up another node.",
                    node.state());
        }
        GaleraState state = stateOf(sql, server);
        if (!state.readyToLock(guard.maxReceiveQueue())) {
            LOG.info(
                    "quiesce: {} is not ready to be locked ({}); waiting up to {} ms for it to be Synced with at most {} write-sets queued",
                    server,
                    state,
                    guard.timeout().toMillis(),
                    guard.maxReceiveQueue());
            events.accept(new BackupEvent.WaitingForGalera(GaleraPhase.BEFORE_LOCK, state, guard.timeout()));
            state = poll(sql, server, guard.timeout(), s -> s.readyToLock(guard.maxReceiveQueue()), start);
        }
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        boolean ready = state.readyToLock(guard.maxReceiveQueue());
        events.accept(new BackupEvent.WaitedForGalera(GaleraPhase.BEFORE_LOCK, waited, ready, state));
        if (!ready) {
            throw new GaleraNodeNotReadyException(
                    "Refused to lock " + server + ": after " + waited.toMillis() + " ms the node is "
                            + state + ", and quiesce locks only a Synced node of the primary component with at most "
                            + guard.maxReceiveQueue()
                            + " write-sets queued (GaleraGuard). A lock on a lagging node waits until the node has applied its whole queue,"
                            + " and cannot be cancelled meanwhile. Nothing was locked. Retry when the node has caught up, raise"
                            + " GaleraGuard's timeout, or back up another node.",
                    state);
        }
        LOG.debug("quiesce: {} ready to be locked after {} ms: {}", server, waited.toMillis(), state);
        return waited;
    }

    /** {@link #awaitReady} with the context's server, options and events (e.g. before each attempt of a retried lock). */
    public static Duration awaitReady(LockContext context) {
        return awaitReady(context.sql(), context.server(), context.options().galeraGuard(), context::publish);
    }

    /**
     * After the release: waits, up to {@link GaleraGuard#timeout()}, for the node to be Synced again, telling
     * {@code events}. Never throws for a node that stays behind (the backup is good; the node catches up on its
     * own): it says so at WARN.
     *
     * @return how long it waited, zero on a server that is not a Galera node
     */
    public static Duration awaitSynced(Sql sql, ServerInfo server, GaleraGuard guard, Consumer<BackupEvent> events) {
        if (!server.isGalera()) {
            return Duration.ZERO;
        }
        long start = System.nanoTime();
        GaleraState state = stateOf(sql, server);
        if (!state.synced()) {
            events.accept(new BackupEvent.WaitingForGalera(GaleraPhase.AFTER_RELEASE, state, guard.timeout()));
            state = poll(sql, server, guard.timeout(), GaleraState::synced, start);
        }
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        events.accept(new BackupEvent.WaitedForGalera(GaleraPhase.AFTER_RELEASE, waited, state.synced(), state));
        if (!state.synced()) {
            LOG.warn(
                    "quiesce: {} was released but is not Synced again after {} ms: {}. It catches up on its own; meanwhile it is out"
                            + " of step with its cluster.",
                    server,
                    waited.toMillis(),
                    state);
        } else {
            LOG.debug("quiesce: {} Synced again {} ms after the release", server, waited.toMillis());
        }
        return waited;
    }

    private static GaleraState poll(
            Sql sql, ServerInfo server, Duration timeout, java.util.function.Predicate<GaleraState> done, long start) {
        long deadline = start + timeout.toNanos();
        long pause = FIRST_POLL_MILLIS;
        GaleraState state = stateOf(sql, server);
        while (!done.test(state) && System.nanoTime() < deadline) {
            sleep(Math.min(pause, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            pause = Math.min(MAX_POLL_MILLIS, pause * 2);
            state = stateOf(sql, server);
        }
        return state;
    }

    /**
     * Whether a session with these options desyncs the node itself for a lock the server does, or does not, desync
     * for on its own.
     */
    public static boolean desyncsExplicitly(ServerInfo server, BackupOptions options, boolean serverDesyncsForTheLock) {
        return server.isGalera() && (options.galeraDesync() == GaleraDesync.ALWAYS || !serverDesyncsForTheLock);
    }

    /**
     * What {@value #DESYNC_ON} needs on a Galera node whose server does not desync it for the strategy's lock (for
     * {@code LockStrategy.requiredPrivileges}; with {@link GaleraDesync#ALWAYS}, {@link #beforeLock} checks it too).
     */
    public static List<PrivilegeRequirement> requirements(ServerInfo server, boolean serverDesyncsForTheLock) {
        if (!server.isGalera() || serverDesyncsForTheLock) {
            return List.of();
        }
        return List.of(desyncPrivilege());
    }

    private static PrivilegeRequirement desyncPrivilege() {
        return PrivilegeRequirement.anyOf(DESYNC_ON, Privilege.SUPER, Privilege.SYSTEM_VARIABLES_ADMIN);
    }

    /**
     * The first step of a strategy's {@code acquire} on a Galera node, before any lock: where the server does not
     * desync the node for the lock (or {@link GaleraDesync#ALWAYS}), and the node is not desynced on purpose
     * already, journals, sets {@value #DESYNC_ON}, and registers its undo: wait for the receive queue to drain
     * (bounded by {@link GaleraGuard#timeout()}), then {@value #DESYNC_OFF}.
     *
     * @param serverDesyncsForTheLock what the node's behaviour methods say of the strategy's lock, e.g.
     *                                {@link GaleraNode#globalReadLockDesyncsAndPauses()}
     */
    public static void beforeLock(LockContext context, boolean serverDesyncsForTheLock) {
        ServerInfo server = context.server();
        if (!desyncsExplicitly(server, context.options(), serverDesyncsForTheLock)) {
            return;
        }
        PrivilegeRequirement needed = desyncPrivilege();
        if (server.privileges().known() && !needed.isMetBy(server)) {
            List<String> missing = List.of(needed.describe());
            throw new MissingPrivilegeException(
                    "Desyncing " + server + " before the lock needs " + String.join("; ", missing) + ", which account "
                            + server.privileges().account() + " lacks. Nothing was locked.",
                    missing);
        }
        Sql sql = context.sql();
        if (isOn(sql.scalar(DESYNC_STATE))) {
            LOG.info(
                    "quiesce: {} is desynced already (wsrep_desync=ON, set by someone else); the session leaves it as it is",
                    server);
            return;
        }
        // The journal first: wsrep_desync outlives the connection, and a crash must not leave the node out of flow
        // control.
        context.journal(Map.of(JOURNAL_DESYNC_SET, "true"));
        sql.execute(DESYNC_ON);
        GaleraGuard guard = context.options().galeraGuard();
        context.onReleaseGlobal(
                DESYNC_OFF + " (once the receive queue drains)", s -> resync(s, server, guard, context::publish));
    }

    /** Waits for the receive queue to drain (galera issue 289), then {@value #DESYNC_OFF}; after the timeout, resyncs anyway. */
    private static void resync(Sql sql, ServerInfo server, GaleraGuard guard, Consumer<BackupEvent> events) {
        long start = System.nanoTime();
        GaleraState state = state(sql).orElse(null);
        if (state != null && state.receiveQueue() > guard.maxReceiveQueue()) {
            events.accept(new BackupEvent.WaitingForGalera(GaleraPhase.BEFORE_RESYNC, state, guard.timeout()));
            state = poll(sql, server, guard.timeout(), s -> s.receiveQueue() <= guard.maxReceiveQueue(), start);
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            boolean drained = state.receiveQueue() <= guard.maxReceiveQueue();
            events.accept(new BackupEvent.WaitedForGalera(GaleraPhase.BEFORE_RESYNC, waited, drained, state));
            if (!drained) {
                LOG.warn(
                        "quiesce: {} still has {} write-sets queued after {} ms; resyncing it anyway (wsrep_desync is never left ON):"
                                + " it may send flow control, slowing the cluster's writers until it catches up",
                        server,
                        state.receiveQueue(),
                        waited.toMillis());
            }
        }
        sql.execute(DESYNC_OFF);
    }

    /**
     * Runs a lock statement. On a Galera node it is cancelled with {@code KILL QUERY} from a second connection if
     * it still waits after {@code acquireTimeout} (the kill lands only once a desync the statement waits for has
     * completed: {@link #awaitReady} is what keeps that short), and the failure names the node's state.
     */
    public static void executeLock(LockContext context, String statement) {
        if (!context.server().isGalera()) {
            context.sql().execute(statement);
            return;
        }
        Duration timeout = context.options().acquireTimeout();
        long start = System.nanoTime();
        if (!context.executeWithin(statement, timeout)) {
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            context.publish(new BackupEvent.LockAttemptCancelled(statement, 1, waited));
            String state;
            try {
                state = state(context.sql()).map(GaleraState::describe).orElse("not reporting a Galera state");
            } catch (RuntimeException e) {
                state = "unreadable (" + e.getMessage() + ")";
            }
            throw new LockAcquisitionException(statement + " on " + context.server() + " waited " + waited.toMillis()
                    + " ms, longer than acquireTimeout=" + timeout.toMillis() + " ms, and was cancelled. The node is "
                    + state
                    + ". Another session may hold a conflicting lock.");
        }
    }

    /**
     * The coordinates with the node's Galera position added, read now on the same connection: call it where
     * the binary log status was just read, while the lock keeps the node from applying (FTWRL,
     * {@code BACKUP STAGE BLOCK_COMMIT} on a node they pause). Unchanged on a server that is not a Galera node.
     */
    public static BinlogCoordinates withPosition(Sql sql, ServerInfo server, BinlogCoordinates coordinates) {
        if (!server.isGalera()) {
            return coordinates;
        }
        GaleraState state = stateOf(sql, server);
        return coordinates.withGalera(state.position()
                .orElseThrow(() -> new CoordinatesUnavailableException(server
                        + " reports no wsrep_local_state_uuid: its Galera position cannot be read (" + state + ")")));
    }

    /**
     * After a crash: {@value #DESYNC_OFF} if the journal says the dead session set it and it is still ON. Waits
     * for the receive queue to drain first, up to {@link GaleraGuard#DEFAULT}'s timeout.
     *
     * @return the statements run
     */
    public static List<String> recover(RecoverContext context) {
        if (!Boolean.parseBoolean(context.journal().get(JOURNAL_DESYNC_SET))) {
            return List.of();
        }
        Sql sql = context.sql();
        if (!isOn(sql.scalar(DESYNC_STATE))) {
            return List.of();
        }
        resync(sql, context.server(), GaleraGuard.DEFAULT, e -> {});
        return List.of(DESYNC_OFF);
    }

    private static boolean isOn(String v) {
        return v != null && (v.equalsIgnoreCase("ON") || v.equals("1"));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockAcquisitionException("Interrupted while waiting for the Galera node");
        }
    }
}
