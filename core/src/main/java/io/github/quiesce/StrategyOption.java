package io.github.quiesce;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A typed option that belongs to one strategy, so that a new strategy brings its own options
 * without a change to {@link BackupOptions}. Strategies publish their keys as constants, e.g.
 * {@code BackupOptions.builder().set(SomeStrategy.SOME_FLAG, true)}.
 *
 * @param name         a dotted lower-case name, e.g. {@code read-only.allow-on-source}
 * @param type         the value's type
 * @param defaultValue the value when the option is not set (not null)
 * @param <T>          the value's type
 */
public record StrategyOption<T>(String name, Class<T> type, T defaultValue) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]*");

    public StrategyOption {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("option name must be lower-case letters, digits, '.' and '-': " + name);
        }
    }

    public static <T> StrategyOption<T> of(String name, Class<T> type, T defaultValue) {
        return new StrategyOption<>(name, type, defaultValue);
    }
}
