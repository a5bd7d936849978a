package io.github.quiesce;

import java.time.Duration;
import java.util.LinkedHashMap;
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
 *   <tr><td>longQueryGuard</td><td>1 s / 30 s / all</td><td>before a table-flushing lock, wait for statements running that long, then fail naming them</td></tr>
 * </table>
 */
public final class BackupOptions {

    /** The strategy name meaning "pick the cheapest safe one for this server". */
    public static final String AUTO = "auto";

    static final Duration DEFAULT_LOCK_WAIT_TIMEOUT = Duration.ofSeconds(60);
    /** The server's own maximum for lock_wait_timeout (one year). */
    static final Duration MAX_LOCK_WAIT_TIMEOUT = Duration.ofSeconds(31_536_000);
    private static final Pattern STRATEGY_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private final String strategy;
    private final Duration lockWaitTimeout;
    private final boolean allowFallback;
    private final ClassLoader classLoader;
    private final LongQueryGuard longQueryGuard;
    private final Map<StrategyOption<?>, Object> strategyOptions;

    private BackupOptions(Builder b) {
        this.strategy = b.strategy;
        this.lockWaitTimeout = b.lockWaitTimeout;
        this.allowFallback = b.allowFallback;
        this.classLoader = b.classLoader;
        this.longQueryGuard = b.longQueryGuard;
        this.strategyOptions = Map.copyOf(b.strategyOptions);
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
        b.strategyOptions.putAll(strategyOptions);
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

    /** The value of a strategy's own option, or its default. */
    public <T> T get(StrategyOption<T> option) {
        Object v = strategyOptions.get(option);
        return v == null ? option.defaultValue() : option.type().cast(v);
    }

    @Override
    public String toString() {
        return "BackupOptions{strategy=" + strategy + ", lockWaitTimeout=" + lockWaitTimeout
                + ", allowFallback=" + allowFallback + ", longQueryGuard=" + longQueryGuard + ", strategyOptions=" + strategyOptions.keySet() + '}';
    }

    /** Plain, final builder. Every setter validates at once, so a bad value fails where it is written. */
    public static final class Builder {
        private String strategy = AUTO;
        private Duration lockWaitTimeout = DEFAULT_LOCK_WAIT_TIMEOUT;
        private boolean allowFallback = true;
        private ClassLoader classLoader = BackupOptions.class.getClassLoader();
        private LongQueryGuard longQueryGuard = LongQueryGuard.DEFAULT;
        private final Map<StrategyOption<?>, Object> strategyOptions = new LinkedHashMap<>();

        private Builder() {
        }

        /** A strategy name as listed by the discovered strategies (e.g. {@code ftwrl}), or {@code auto}. */
        public Builder strategy(String name) {
            Objects.requireNonNull(name, "strategy name must not be null (use \"auto\")");
            String n = name.trim();
            if (!STRATEGY_NAME.matcher(n).matches()) {
                throw new IllegalArgumentException("strategy name must be 1-64 lower-case letters, digits or '-': '" + name + "'");
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
            this.longQueryGuard = Objects.requireNonNull(guard, "longQueryGuard must not be null (use LongQueryGuard.OFF)");
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
