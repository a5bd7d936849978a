package io.github.quiesce.cli;

import io.github.quiesce.BackupOptions;
import io.github.quiesce.GaleraDesync;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import javax.sql.DataSource;

/** The command line, parsed: the parser, the checks and {@code --help} all read the one {@link Option} table. */
final class CliOptions {

    /** Every option, its default and meaning. */
    enum Option {
        URL("--url", null, "JDBC URL of the server, e.g. jdbc:mysql://db1:3306/ (required)"),
        USER("--user", null, "account to connect as (required)"),
        PASSWORD_ENV(
                "--password-env",
                null,
                "name of the environment variable holding the password (never pass it as an argument)"),
        STRATEGY(
                "--strategy",
                BackupOptions.AUTO,
                "auto, or a strategy name: mysql-instance-lock, mariadb-backup-stage, percona-backup-locks, ftwrl, read-only"),
        EXEC("--exec", null, "command run with sh -c while the point is held; its exit code becomes ours"),
        META_DIR(
                "--meta-dir",
                null,
                "directory for quiesce_coordinates.json, xtrabackup_binlog_info and, on a replica, xtrabackup_slave_info,"
                        + " on a Galera node xtrabackup_galera_info"),
        LOCK_WAIT_TIMEOUT("--lock-wait-timeout", "60", "seconds a lock statement may wait for conflicting locks"),
        MAX_LOCK_HOLD(
                "--max-lock-hold",
                "3600",
                "seconds after which the watchdog releases the lock, whatever the command does"),
        GALERA_DESYNC(
                "--galera-desync",
                "auto",
                "on a Galera node: auto (desync only where the lock does not), or always (wsrep_desync=ON"
                        + " for the whole session, so the node stays out of flow control while --exec copies files)"),
        JSON("--json", null, "print the coordinates as one JSON line on stdout (flag)"),
        HELP("--help", null, "this text (flag)");

        final String flag;
        final String defaultValue;
        final String help;

        Option(String flag, String defaultValue, String help) {
            this.flag = flag;
            this.defaultValue = defaultValue;
            this.help = help;
        }

        boolean isFlag() {
            return this == JSON || this == HELP;
        }

        static Option of(String flag) {
            for (Option o : values()) {
                if (o.flag.equals(flag)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("unknown option " + flag);
        }
    }

    private final Map<Option, String> values;

    private CliOptions(Map<Option, String> values) {
        this.values = values;
    }

    /**
     * Reads the options as given; whether the required ones are there is {@link #check}'s question, so
     * that {@code --help} works alone.
     *
     * @throws IllegalArgumentException naming an unknown option or one that lacks its value
     */
    static CliOptions parse(String[] args) {
        Map<Option, String> m = new EnumMap<>(Option.class);
        for (int i = 0; i < args.length; i++) {
            Option o = Option.of(args[i]);
            if (o.isFlag()) {
                m.put(o, "true");
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            m.put(o, args[++i]);
        }
        return new CliOptions(m);
    }

    /**
     * Fails before anything connects: on a missing --url or --user, a URL that is not a MySQL one, or a
     * number of seconds that is not one.
     *
     * @return this
     * @throws IllegalArgumentException saying which option is wrong
     */
    CliOptions check() {
        ExternalServer.requireJdbcUrl(require(Option.URL));
        require(Option.USER);
        lockWaitTimeout();
        maxLockHold();
        galeraDesync();
        return this;
    }

    boolean has(Option o) {
        return values.containsKey(o);
    }

    String get(Option o) {
        return values.getOrDefault(o, o.defaultValue);
    }

    /** @throws IllegalArgumentException when the password variable is not set */
    DataSource dataSource() {
        return ExternalServer.dataSource(require(Option.URL), require(Option.USER), values.get(Option.PASSWORD_ENV));
    }

    /** The session's options from the command line; the caller adds its listener. */
    BackupOptions.Builder backupOptions() {
        return BackupOptions.builder()
                .strategy(get(Option.STRATEGY))
                .lockWaitTimeout(lockWaitTimeout())
                .maxLockHold(maxLockHold())
                .galeraDesync(galeraDesync());
    }

    private GaleraDesync galeraDesync() {
        String v = get(Option.GALERA_DESYNC);
        return switch (v) {
            case "auto" -> GaleraDesync.AUTO;
            case "always" -> GaleraDesync.ALWAYS;
            default -> throw new IllegalArgumentException(
                    Option.GALERA_DESYNC.flag + " takes auto or always, got '" + v + "'");
        };
    }

    private Duration lockWaitTimeout() {
        return seconds(Option.LOCK_WAIT_TIMEOUT);
    }

    private Duration maxLockHold() {
        return seconds(Option.MAX_LOCK_HOLD);
    }

    private String require(Option o) {
        String v = values.get(o);
        if (v == null) {
            throw new IllegalArgumentException(o.flag + " is required");
        }
        return v;
    }

    private Duration seconds(Option o) {
        String v = get(o);
        if (!v.matches("\\d{1,9}") || Long.parseLong(v) == 0) {
            throw new IllegalArgumentException(o.flag + " takes whole seconds greater than 0, got '" + v + "'");
        }
        return Duration.ofSeconds(Long.parseLong(v));
    }

    static String help() {
        StringBuilder b = new StringBuilder(
                "usage: quiesce --url URL --user USER [options]\n"
                        + "       (or java -jar quiesce-cli.jar --url URL --user USER [options])\n\n"
                        + "Holds a consistent point on a MySQL-family server while --exec runs, then writes its coordinates.\n\n");
        for (Option o : Option.values()) {
            b.append(String.format(
                    "  %-22s %s%s%n",
                    o.flag + (o.isFlag() ? "" : " V"),
                    o.help,
                    o.defaultValue == null ? "" : " (default: " + o.defaultValue + ")"));
        }
        b.append("\nExit code: the command's; 2 for bad usage; 3 when quiesce could not take or release the point.\n"
                + "On a terminal, stderr shows what is being waited for, updated in place.\n");
        return b.toString();
    }
}
