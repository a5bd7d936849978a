package io.github.quiesce;

import io.github.quiesce.internal.Journal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Immutable options of a {@link BackupSession}. Build with {@link #builder()}; {@link #defaults()}
 * picks the cheapest safe strategy automatically.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>strategy</td><td>{@code auto}</td><td>a strategy name, or {@code auto}</td></tr>
 *   <tr><td>lockWaitTimeout</td><td>60 s</td><td>session {@code lock_wait_timeout} while locking (whole seconds, rounded up)</td></tr>
 *   <tr><td>allowFallback</td><td>true</td><td>under {@code auto}, try the next strategy when one fails to lock</td></tr>
 *   <tr><td>classLoader</td><td>quiesce's own</td><td>where {@link java.util.ServiceLoader} looks for strategies</td></tr>
 *   <tr><td>longQueryGuard</td><td>50 ms / 30 s / all</td><td>before a table-flushing lock, wait for statements running that long, then fail naming them</td></tr>
 *   <tr><td>acquireTimeout</td><td>1 s</td><td>a table-flushing lock still waiting after this is cancelled with {@code KILL QUERY} from a second connection</td></tr>
 *   <tr><td>acquireRetries</td><td>3</td><td>attempts after a cancelled one, each after the guard again, before failing</td></tr>
 *   <tr><td>killLongQueries</td><td>off</td><td>end the statements the guard waits for (see {@link LongQueryKiller})</td></tr>
 *   <tr><td>maxLockHold</td><td>1 h</td><td>a session still open after this is released by a watchdog, which kills its lock connection</td></tr>
 *   <tr><td>journalDirectory</td><td>{@code ~/.local/state/quiesce}</td><td>where a session that changes global settings records how to undo them, for {@link BackupSession#recover}</td></tr>
 *   <tr><td>prepareSnapshots</td><td>0</td><td>snapshot connections taken from the DataSource, in parallel, before the lock, for {@link BackupSession#snapshotConnections}</td></tr>
 *   <tr><td>galeraGuard</td><td>queue ≤ 100, 30 s</td><td>on a Galera node: lock only a {@code Synced} node with a short receive queue, waiting for it up to the timeout; after the release wait for it to be {@code Synced} again</td></tr>
 *   <tr><td>galeraDesync</td><td>{@code AUTO}</td><td>on a Galera node: when the session sets {@code wsrep_desync=ON} itself (see {@link GaleraDesync})</td></tr>
 *   <tr><td>listeners</td><td>none</td><td>{@link BackupListener}s, besides those found with {@link java.util.ServiceLoader}</td></tr>
 * </table>
 */
public final class BackupOptions {

    /** The strategy name meaning "pick the cheapest safe one for this server". */
    public static final String AUTO = "auto";

    static final Duration DEFAULT_LOCK_WAIT_TIMEOUT = Duration.ofSeconds(60);
    /** The server's own maximum for lock_wait_timeout (one year). */
    static final Duration MAX_LOCK_WAIT_TIMEOUT = Duration.ofSeconds(31_536_000);

    static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofSeconds(1);
    static final int DEFAULT_ACQUIRE_RETRIES = 3;
    static final int MAX_ACQUIRE_RETRIES = 100;
    /** Generous: a backup that copies files under the lock can take a while; a hung one must not hold it forever. */
    static final Duration DEFAULT_MAX_LOCK_HOLD = Duration.ofHours(1);

    static final Duration MAX_MAX_LOCK_HOLD = Duration.ofDays(30);
    private static final Pattern STRATEGY_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private final String strategy;
    private final Duration lockWaitTimeout;
    private final boolean allowFallback;
    private final ClassLoader classLoader;
    private final LongQueryGuard longQueryGuard;
    private final Duration acquireTimeout;
    private final int acquireRetries;
    private final LongQueryKiller killLongQueries;
    private final Duration maxLockHold;
    private final List<BackupListener> listeners;
    private final Path journalDirectory;
    private final Map<StrategyOption<?>, Object> strategyOptions;
    private final int prepareSnapshots;
    private final GaleraGuard galeraGuard;
    private final GaleraDesync galeraDesync;

    private BackupOptions(Builder b) {
        this.strategy = b.strategy;
        this.lockWaitTimeout = b.lockWaitTimeout;
        this.allowFallback = b.allowFallback;
        this.classLoader = b.classLoader;
        this.longQueryGuard = b.longQueryGuard;
        this.acquireTimeout = b.acquireTimeout;
        this.acquireRetries = b.acquireRetries;
        this.killLongQueries = b.killLongQueries;
        this.maxLockHold = b.maxLockHold;
        this.listeners = List.copyOf(b.listeners);
        this.journalDirectory = b.journalDirectory;
        this.strategyOptions = Map.copyOf(b.strategyOptions);
        this.prepareSnapshots = b.prepareSnapshots;
        this.galeraGuard = b.galeraGuard;
        this.galeraDesync = b.galeraDesync;
    }

    public static BackupOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.strategy = strategy;
        b.lockWaitTimeout = lockWaitTimeout;
        b.allowFallback = allowFallback;
        b.classLoader = classLoader;
        b.longQueryGuard = longQueryGuard;
        b.acquireTimeout = acquireTimeout;
        b.acquireRetries = acquireRetries;
        b.killLongQueries = killLongQueries;
        b.maxLockHold = maxLockHold;
        b.listeners.addAll(listeners);
        b.journalDirectory = journalDirectory;
        b.strategyOptions.putAll(strategyOptions);
        b.prepareSnapshots = prepareSnapshots;
        b.galeraGuard = galeraGuard;
        b.galeraDesync = galeraDesync;
        return b;
    }

    public String strategy() {
        return strategy;
    }

    public boolean isAuto() {
        return AUTO.equals(strategy);
    }

    public Duration lockWaitTimeout() {
        return lockWaitTimeout;
    }

    /** lock_wait_timeout in whole seconds, rounded up (the server takes seconds, at least 1). */
    public long lockWaitTimeoutSeconds() {
        long s = lockWaitTimeout.getSeconds() + (lockWaitTimeout.getNano() > 0 ? 1 : 0);
        return Math.max(1, s);
    }

    public boolean allowFallback() {
        return allowFallback;
    }

    public ClassLoader classLoader() {
        return classLoader;
    }

    /** What a table-flushing lock waits for before it is issued. */
    public LongQueryGuard longQueryGuard() {
        return longQueryGuard;
    }

    /** How long one attempt at a table-flushing lock may wait before it is cancelled and retried. */
    public Duration acquireTimeout() {
        return acquireTimeout;
    }

    /** How many more attempts follow a cancelled one before the session fails. */
    public int acquireRetries() {
        return acquireRetries;
    }

    /** Whether and when the guard kills the statements it waits for. */
    public LongQueryKiller killLongQueries() {
        return killLongQueries;
    }

    /** How long a session may hold its lock before the watchdog releases it. */
    public Duration maxLockHold() {
        return maxLockHold;
    }

    /** How many snapshot connections the session takes before it locks; 0 when they are taken by {@code snapshotConnections}. */
    public int prepareSnapshots() {
        return prepareSnapshots;
    }

    /** On a Galera node: how far behind the node may be when locked, and how long to wait for it. */
    public GaleraGuard galeraGuard() {
        return galeraGuard;
    }

    /** On a Galera node: when the session desyncs the node itself. */
    public GaleraDesync galeraDesync() {
        return galeraDesync;
    }

    /** Listeners given here (ServiceLoader ones are added when a session opens). */
    public List<BackupListener> listeners() {
        return listeners;
    }

    /** Where sessions that change global settings keep their journal. */
    public Path journalDirectory() {
        return journalDirectory;
    }

    /** The value of a strategy's own option, or its default. */
    public <T> T get(StrategyOption<T> option) {
        Object v = strategyOptions.get(option);
        return v == null ? option.defaultValue() : option.type().cast(v);
    }

    @Override
    public String toString() {
        return "BackupOptions{strategy=" + strategy + ", lockWaitTimeout=" + lockWaitTimeout
                + ", allowFallback=" + allowFallback + ", longQueryGuard=" + longQueryGuard + ", acquireTimeout="
                + acquireTimeout
                + ", acquireRetries=" + acquireRetries + ", killLongQueries=" + killLongQueries + ", maxLockHold="
                + maxLockHold
                + ", prepareSnapshots=" + prepareSnapshots + ", galeraGuard=" + galeraGuard + ", galeraDesync="
                + galeraDesync + ", listeners=" + listeners.size() + ", journalDirectory=" + journalDirectory
                + ", strategyOptions=" + strategyOptions.keySet() + '}';
    }

    /** Plain, final builder. Every setter validates at once, so a bad value fails where it is written. */
    public static final class Builder {
        private String strategy = AUTO;
        private Duration lockWaitTimeout = DEFAULT_LOCK_WAIT_TIMEOUT;
        private boolean allowFallback = true;
        private ClassLoader classLoader = BackupOptions.class.getClassLoader();
        private LongQueryGuard longQueryGuard = LongQueryGuard.DEFAULT;
        private Duration acquireTimeout = DEFAULT_ACQUIRE_TIMEOUT;
        private int acquireRetries = DEFAULT_ACQUIRE_RETRIES;
        private LongQueryKiller killLongQueries = LongQueryKiller.OFF;
        private Duration maxLockHold = DEFAULT_MAX_LOCK_HOLD;
        private final List<BackupListener> listeners = new ArrayList<>();
        private Path journalDirectory = Journal.defaultDirectory();
        private final Map<StrategyOption<?>, Object> strategyOptions = new LinkedHashMap<>();
        private int prepareSnapshots;
        private GaleraGuard galeraGuard = GaleraGuard.DEFAULT;
        private GaleraDesync galeraDesync = GaleraDesync.AUTO;

        private Builder() {}

        /** A strategy name as listed by the discovered strategies (e.g. {@code ftwrl}), or {@code auto}. */
        public Builder strategy(String name) {
            Objects.requireNonNull(name, "strategy name must not be null (use \"auto\")");
            String n = name.trim();
            if (!STRATEGY_NAME.matcher(n).matches()) {
                throw new IllegalArgumentException(
                        "strategy name must be 1-64 lower-case letters, digits or '-': '" + name + "'");
            }
            this.strategy = n;
            return this;
        }

        /** How long a lock statement may wait for conflicting locks (session {@code lock_wait_timeout}). */
        public Builder lockWaitTimeout(Duration timeout) {
            this.lockWaitTimeout = positive("lockWaitTimeout", timeout, MAX_LOCK_WAIT_TIMEOUT);
            return this;
        }

        public Builder allowFallback(boolean allow) {
            this.allowFallback = allow;
            return this;
        }

        public Builder classLoader(ClassLoader loader) {
            this.classLoader = Objects.requireNonNull(loader, "classLoader must not be null");
            return this;
        }

        /** See {@link LongQueryGuard}; {@link LongQueryGuard#OFF} to lock at once. */
        public Builder longQueryGuard(LongQueryGuard guard) {
            this.longQueryGuard =
                    Objects.requireNonNull(guard, "longQueryGuard must not be null (use LongQueryGuard.OFF)");
            return this;
        }

        /**
         * How long one attempt at a table-flushing lock ({@code FLUSH TABLES WITH READ LOCK}) may wait: it
         * holds every writer while it waits, so after this it is cancelled from a second connection, and
         * retried after the same pause (mydumper's FTWRL monitor). Bounds the freeze when a long statement
         * starts after the guard looked.
         */
        public Builder acquireTimeout(Duration timeout) {
            this.acquireTimeout = positive("acquireTimeout", timeout, MAX_LOCK_WAIT_TIMEOUT);
            return this;
        }

        /** Attempts after a cancelled one, 0 to {@value #MAX_ACQUIRE_RETRIES}. */
        public Builder acquireRetries(int retries) {
            if (retries < 0 || retries > MAX_ACQUIRE_RETRIES) {
                throw new IllegalArgumentException(
                        "acquireRetries must be between 0 and " + MAX_ACQUIRE_RETRIES + ", was " + retries);
            }
            this.acquireRetries = retries;
            return this;
        }

        /** See {@link LongQueryKiller}; needs the long-query guard on, and waits less than its timeout. */
        public Builder killLongQueries(LongQueryKiller killer) {
            this.killLongQueries =
                    Objects.requireNonNull(killer, "killLongQueries must not be null (use LongQueryKiller.OFF)");
            return this;
        }

        /**
         * The longest a session may hold its lock. After it, a watchdog kills the lock connection from a
         * second connection (the server drops its locks), restores what the strategy changed, and marks the
         * session failed: {@code coordinates()} still returns what was read, {@code close()} throws a
         * {@link WatchdogExpiredException}. Up to 30 days.
         */
        public Builder maxLockHold(Duration maxHold) {
            this.maxLockHold = positive("maxLockHold", maxHold, MAX_MAX_LOCK_HOLD);
            return this;
        }

        /**
         * Takes {@code count} snapshot connections from the DataSource, in parallel, before the lock, for
         * the {@link BackupSession#snapshotConnections} call that follows: connecting and authenticating
         * them then costs the writers nothing, and only the snapshot statements run while commits are
         * blocked (with FTWRL, 128 connections opened under the lock froze writers for 400 ms). A later
         * call for more connects the rest then; unused ones are closed with the session. 0 to
         * {@value BackupSession#MAX_SNAPSHOTS}; the pool must have room for {@code count + 1}.
         */
        public Builder prepareSnapshots(int count) {
            if (count < 0 || count > BackupSession.MAX_SNAPSHOTS) {
                throw new IllegalArgumentException(
                        "prepareSnapshots must be between 0 and " + BackupSession.MAX_SNAPSHOTS + ", was " + count);
            }
            this.prepareSnapshots = count;
            return this;
        }

        /**
         * On a Galera node, lock only when it is {@code Synced} with at most {@code maxReceiveQueue} write-sets
         * waiting, waiting for that up to the guard's timeout; after the release, wait up to the same timeout for
         * it to be {@code Synced} again. See {@link GaleraGuard}.
         */
        public Builder galeraGuard(GaleraGuard guard) {
            this.galeraGuard = Objects.requireNonNull(guard, "galeraGuard must not be null (use GaleraGuard.DEFAULT)");
            return this;
        }

        /** On a Galera node, when the session sets {@code wsrep_desync=ON} itself; see {@link GaleraDesync}. */
        public Builder galeraDesync(GaleraDesync desync) {
            this.galeraDesync = Objects.requireNonNull(desync, "galeraDesync must not be null (use GaleraDesync.AUTO)");
            return this;
        }

        /** Adds a listener; may be called more than once. */
        public Builder listener(BackupListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
            return this;
        }

        /**
         * Where a session that changes global settings (the {@code read-only} strategy) writes, before the
         * change, what would undo it. Default {@code $XDG_STATE_HOME/quiesce} or {@code ~/.local/state/quiesce}:
         * it must survive the backup process and a reboot of its machine, and be the same for every run
         * against a server, so {@code open()} can refuse and {@link BackupSession#recover} can find it.
         */
        public Builder journalDirectory(Path directory) {
            this.journalDirectory = Objects.requireNonNull(directory, "journalDirectory must not be null");
            return this;
        }

        /** Sets an option that a strategy defines. */
        public <T> Builder set(StrategyOption<T> option, T value) {
            Objects.requireNonNull(option, "option must not be null");
            Objects.requireNonNull(value, () -> "value of option " + option.name() + " must not be null");
            strategyOptions.put(option, option.type().cast(value));
            return this;
        }

        public BackupOptions build() {
            if (killLongQueries.enabled()) {
                if (!longQueryGuard.enabled()) {
                    throw new IllegalArgumentException(
                            "killLongQueries acts while the long-query guard waits; it is OFF");
                }
                if (killLongQueries.after().compareTo(longQueryGuard.timeout()) >= 0) {
                    throw new IllegalArgumentException("killLongQueries after " + killLongQueries.after()
                            + " would never fire: the long-query guard gives up after " + longQueryGuard.timeout());
                }
            }
            return new BackupOptions(this);
        }
    }

    /** Validates a duration that must be greater than zero and at most {@code max}. */
    public static Duration positive(String what, Duration d, Duration max) {
        Objects.requireNonNull(d, () -> what + " must not be null");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be greater than zero, was " + d);
        }
        if (d.compareTo(max) > 0) {
            throw new IllegalArgumentException(what + " must be at most " + max + ", was " + d);
        }
        return d;
    }
}
