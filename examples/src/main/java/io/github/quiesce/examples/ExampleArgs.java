package io.github.quiesce.examples;

import io.github.quiesce.cli.ExternalServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The command line every example shares: {@code --url jdbc:mysql://host:port/ --user U --password-env VAR}
 * for your own server (without them the example starts an embedded one), plus the example's own options.
 */
final class ExampleArgs {

    private static final List<String> SERVER = List.of("--url", "--user", "--password-env");

    private final Map<String, String> values;

    private ExampleArgs(Map<String, String> values) {
        this.values = values;
    }

    /** @throws IllegalArgumentException naming the option that is unknown or lacks its value */
    static ExampleArgs parse(String[] args, String... ownOptions) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!SERVER.contains(a) && !List.of(ownOptions).contains(a)) {
                throw new IllegalArgumentException("unknown option " + a);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            m.put(a, args[++i]);
        }
        if (m.containsKey("--url") && !m.containsKey("--user")) {
            throw new IllegalArgumentException("--url needs --user");
        }
        return new ExampleArgs(m);
    }

    String get(String option, String defaultValue) {
        return values.getOrDefault(option, defaultValue);
    }

    int getInt(String option, int defaultValue) {
        String v = values.get(option);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, was '" + v + "'");
        }
    }

    /** The server named by --url, if one was. */
    Optional<DataSource> externalServer() {
        if (!values.containsKey("--url")) {
            return Optional.empty();
        }
        return Optional.of(
                ExternalServer.dataSource(values.get("--url"), values.get("--user"), values.get("--password-env")));
    }

    static String usage(String name, String ownOptions) {
        return "usage: " + name + " [--url jdbc:mysql://host:port/ --user USER --password-env VAR] " + ownOptions
                + "\n  without --url an embedded server is started for the run";
    }
}
