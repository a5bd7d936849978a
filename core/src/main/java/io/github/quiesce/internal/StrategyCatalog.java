package io.github.quiesce.internal;

import io.github.quiesce.BackupOptions;
import io.github.quiesce.MissingPrivilegeException;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.StrategyNotFoundException;
import io.github.quiesce.UnsupportedServerException;
import io.github.quiesce.spi.LockStrategy;
import io.github.quiesce.spi.PrivilegeRequirement;
import io.github.quiesce.spi.Support;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The strategies found with {@link ServiceLoader}, in the order {@code auto} considers them. */
final class StrategyCatalog {

    static final String SERVICE_FILE = "META-INF/services/" + LockStrategy.class.getName();

    /** Highest priority first; equal priorities by name, so the choice never depends on classpath order. */
    private static final Comparator<LockStrategy> AUTO_ORDER =
            Comparator.comparingInt(LockStrategy::priority).reversed().thenComparing(LockStrategy::name);

    private final List<LockStrategy> strategies;

    private StrategyCatalog(List<LockStrategy> strategies) {
        this.strategies = strategies;
    }

    static StrategyCatalog discover(ClassLoader loader) {
        Map<String, LockStrategy> byName = new LinkedHashMap<>();
        try {
            for (LockStrategy s : ServiceLoader.load(LockStrategy.class, loader)) {
                LockStrategy previous = byName.putIfAbsent(s.name(), s);
                if (previous != null && previous.getClass() != s.getClass()) {
                    throw new StrategyNotFoundException("Two strategies are named '" + s.name() + "': "
                            + previous.getClass().getName() + " and "
                            + s.getClass().getName() + ". Remove one from the classpath.");
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new StrategyNotFoundException(
                    "A lock strategy listed in " + SERVICE_FILE + " could not be loaded: " + e.getMessage(), e);
        }
        List<LockStrategy> sorted = new ArrayList<>(byName.values());
        sorted.sort(AUTO_ORDER);
        return new StrategyCatalog(List.copyOf(sorted));
    }

    static StrategyCatalog of(List<LockStrategy> strategies) {
        List<LockStrategy> sorted = new ArrayList<>(strategies);
        sorted.sort(AUTO_ORDER);
        return new StrategyCatalog(List.copyOf(sorted));
    }

    List<LockStrategy> all() {
        return strategies;
    }

    /** Every variable some discovered strategy reads, for the probe. */
    Set<String> serverVariables() {
        Set<String> names = new TreeSet<>();
        strategies.forEach(s -> names.addAll(s.serverVariables()));
        return names;
    }

    /** Every status variable some discovered strategy reads, for the probe. */
    Set<String> serverStatusVariables() {
        Set<String> names = new TreeSet<>();
        strategies.forEach(s -> names.addAll(s.serverStatusVariables()));
        return names;
    }

    /** Fails before any connection is made when the name is unknown or nothing was discovered. */
    LockStrategy named(String name) {
        requireAny();
        return strategies.stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new StrategyNotFoundException(
                        "Unknown strategy '" + name + "'. Strategies found: " + names() + " (or use \"auto\")."));
    }

    void requireAny() {
        if (strategies.isEmpty()) {
            throw new StrategyNotFoundException(
                    "No lock strategy was found on the classpath. Add a strategy module such as"
                            + " quiesce-strategies-ftwrl. If you build a fat/shaded jar, the " + SERVICE_FILE
                            + " files of the strategy jars must be merged (maven-shade-plugin: ServicesResourceTransformer), not overwritten.");
        }
    }

    String names() {
        return strategies.stream().map(LockStrategy::name).collect(Collectors.joining(", "));
    }

    /** The strategies to try on this server, best first, and what was said about each. */
    record Selection(List<LockStrategy> candidates, String explanation) {}

    /** Runs a strategy's {@link LockStrategy#inspect} on the server. */
    interface Inspector {
        Support inspect(LockStrategy strategy);
    }

    Selection select(ServerInfo server, BackupOptions options, Inspector inspector) {
        if (!options.isAuto()) {
            LockStrategy s = named(options.strategy());
            Support support = s.supports(server);
            if (!support.supported()) {
                throw new UnsupportedServerException("Strategy '" + s.name() + "' cannot run on " + server + ": "
                        + support.reason() + ". Use strategy \"auto\" to pick one that fits (found: " + names() + ").");
            }
            List<String> missing = missingPrivileges(s, server);
            if (!missing.isEmpty()) {
                throw missingPrivilegeError(s, server, missing);
            }
            Support inspected = inspector.inspect(s);
            if (!inspected.supported()) {
                throw new UnsupportedServerException("Strategy '" + s.name() + "' cannot run safely on " + server + ": "
                        + inspected.reason() + ". Nothing was locked.");
            }
            return new Selection(List.of(s), "named explicitly");
        }
        requireAny();
        List<LockStrategy> candidates = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (LockStrategy s : strategies) {
            if (!s.selectableByAuto()) {
                notes.add(s.name() + ": only when named (changes global state)");
                continue;
            }
            Support support = s.supports(server);
            if (!support.supported()) {
                notes.add(s.name() + ": not supported (" + support.reason() + ")");
                continue;
            }
            List<String> missing = missingPrivileges(s, server);
            if (!missing.isEmpty()) {
                notes.add(s.name() + ": missing " + String.join(", ", missing));
                continue;
            }
            Support inspected = inspector.inspect(s);
            if (!inspected.supported()) {
                notes.add(s.name() + ": not safe here (" + inspected.reason() + ")");
                continue;
            }
            notes.add(s.name() + ": " + (candidates.isEmpty() ? "chosen" : "fallback") + " (priority " + s.priority()
                    + ")");
            candidates.add(s);
        }
        if (candidates.isEmpty()) {
            throw new UnsupportedServerException("No lock strategy can run on " + server + " for account "
                    + server.privileges().account() + ": " + String.join("; ", notes));
        }
        return new Selection(List.copyOf(candidates), String.join("; ", notes));
    }

    static List<String> missingPrivileges(LockStrategy s, ServerInfo server) {
        List<String> missing = new ArrayList<>();
        for (PrivilegeRequirement r : s.requiredPrivileges(server)) {
            if (!r.isMetBy(server)) {
                missing.add(r.describe());
            }
        }
        return missing;
    }

    private static MissingPrivilegeException missingPrivilegeError(
            LockStrategy s, ServerInfo server, List<String> missing) {
        String account = server.privileges().account();
        return new MissingPrivilegeException(
                "Strategy '" + s.name() + "' needs privileges that account " + account
                        + " lacks on " + server + ": " + String.join("; ", missing) + ". Nothing was locked."
                        + " Grant them (e.g. GRANT <privilege> ON *.* TO " + account + ") or choose another strategy.",
                missing);
    }
}
