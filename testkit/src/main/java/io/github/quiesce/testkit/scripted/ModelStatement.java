package io.github.quiesce.testkit.scripted;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One statement as the Percona model understands it: the small part of MySQL's grammar that Percona's
 * backup-lock tests (and the strategies) use. Anything else is {@link Kind#UNKNOWN} and left to the
 * scripted answers.
 */
record ModelStatement(
        Kind kind,
        String text,
        List<String> tables,
        String engine,
        boolean temporary,
        boolean ifExists,
        String arg,
        String arg2,
        List<Integer> values,
        boolean delayKeyWrite) {

    enum Kind {
        LOCK_TABLES_FOR_BACKUP,
        LOCK_BINLOG_FOR_BACKUP,
        UNLOCK_BINLOG,
        UNLOCK_TABLES,
        FLUSH_TABLES_WITH_READ_LOCK,
        FLUSH_LISTED_WITH_READ_LOCK,
        FLUSH_FOR_EXPORT,
        FLUSH_TABLES,
        LOCK_TABLES,
        LOCK_INSTANCE,
        UNLOCK_INSTANCE,
        START_TRANSACTION,
        START_CONSISTENT_SNAPSHOT,
        COMMIT,
        ROLLBACK,
        INSERT,
        REPLACE,
        UPDATE,
        DELETE,
        SELECT_ROWS,
        SELECT_COUNT,
        CREATE_TABLE,
        DROP_TABLE,
        TRUNCATE,
        RENAME,
        ALTER,
        CREATE_DATABASE,
        DROP_DATABASE,
        OTHER_DDL,
        USE,
        SET_VARIABLE,
        SET_DEBUG_SYNC,
        SET_OTHER,
        SHOW_VARIABLES_LIKE,
        SELECT_VARIABLE,
        SHOW_MASTER_STATUS,
        SHOW_STATUS_LIKE,
        SHOW_BINLOG_EVENTS,
        LOG_STATUS,
        PROCESSLIST_COUNT,
        OWN_GLOBAL_LOCKS,
        INSTRUMENT_ENABLED,
        ENABLE_INSTRUMENT,
        DELAYED_KEY_TABLES,
        CREATE_USER,
        GRANT,
        REVOKE,
        DROP_USER,
        KILL_QUERY,
        UNKNOWN
    }

    private static final int CI = Pattern.CASE_INSENSITIVE;

    private static Pattern p(String regex) {
        return Pattern.compile(regex, CI);
    }

    private static final Pattern LTFB = p("^LOCK TABLES FOR BACKUP$");
    private static final Pattern LBFB = p("^LOCK BINLOG FOR BACKUP$");
    private static final Pattern UNLOCK_BINLOG = p("^UNLOCK BINLOG$");
    private static final Pattern UNLOCK_TABLES = p("^UNLOCK TABLES?$");
    private static final Pattern FTWRL = p("^FLUSH TABLES WITH READ LOCK$");
    private static final Pattern FLUSH_LISTED_READ_LOCK = p("^FLUSH TABLES? (.+?) WITH READ LOCK$");
    private static final Pattern FLUSH_FOR_EXPORT = p("^FLUSH TABLES? (.+?) FOR EXPORT$");
    private static final Pattern FLUSH_TABLES = p("^FLUSH (NO_WRITE_TO_BINLOG |LOCAL )?TABLES?$");
    private static final Pattern LOCK_TABLES = p("^LOCK TABLES? (\\S+) (READ|WRITE)$");
    private static final Pattern LOCK_INSTANCE = p("^LOCK INSTANCE FOR BACKUP$");
    private static final Pattern UNLOCK_INSTANCE = p("^UNLOCK INSTANCE$");
    private static final Pattern START = p("^(START TRANSACTION|BEGIN)( WORK)?$");
    private static final Pattern START_SNAPSHOT =
            p("^START TRANSACTION (?:/\\*!\\d+ )?WITH CONSISTENT SNAPSHOT(?: \\*/)?"
                    + "(?: FROM SESSION (\\S+))?(?:, READ (?:ONLY|WRITE))?$");
    private static final Pattern COMMIT = p("^COMMIT( WORK)?$");
    private static final Pattern ROLLBACK = p("^ROLLBACK( WORK)?$");
    private static final Pattern INSERT = p("^(INSERT|REPLACE) INTO (\\S+?) ?(?:\\([^)]*\\) )?VALUES ?(.+)$");
    private static final Pattern UPDATE = p("^UPDATE (\\S+) SET (\\w+) ?= ?(-?\\d+)$");
    private static final Pattern DELETE = p("^DELETE FROM (\\S+)$");
    private static final Pattern SELECT_ROWS = p("^SELECT \\* FROM (\\S+)$");
    private static final Pattern SELECT_COUNT = p("^SELECT COUNT\\(\\*\\) FROM (\\S+)$");
    private static final Pattern CREATE_TABLE =
            p("^CREATE (TEMPORARY )?TABLE (IF NOT EXISTS )?(\\S+?) ?\\((.*)\\)(.*)$");
    private static final Pattern DROP_TABLE = p("^DROP (TEMPORARY )?TABLES? (IF EXISTS )?(.+)$");
    private static final Pattern TRUNCATE = p("^TRUNCATE (?:TABLE )?(\\S+)$");
    private static final Pattern RENAME = p("^RENAME TABLE (.+)$");
    private static final Pattern ALTER = p("^ALTER TABLE (\\S+) .+$");
    private static final Pattern CREATE_DATABASE = p("^CREATE (?:DATABASE|SCHEMA) (IF NOT EXISTS )?(\\S+)$");
    private static final Pattern DROP_DATABASE = p("^DROP (?:DATABASE|SCHEMA) (IF EXISTS )?(\\S+)$");
    private static final Pattern OTHER_DDL = p(
            "^(CREATE (OR REPLACE )?VIEW|CREATE (PROCEDURE|FUNCTION|TRIGGER|EVENT)|DROP (VIEW|PROCEDURE|FUNCTION)) .+$");
    private static final Pattern USE = p("^USE (\\S+)$");
    private static final Pattern SET = p("^SET (GLOBAL |SESSION |LOCAL |@@GLOBAL\\.|@@SESSION\\.|@@)?(\\w+) ?= ?(.+)$");
    private static final Pattern SHOW_VARIABLES = p("^SHOW (?:GLOBAL |SESSION )?VARIABLES LIKE '(.*)'$");
    private static final Pattern SELECT_VARIABLE =
            p("^SELECT @@(GLOBAL\\.|SESSION\\.)?(\\w+)(?: ?= ?['\"](.*)['\"])?$");
    private static final Pattern SHOW_MASTER_STATUS = p("^SHOW (MASTER|BINARY LOG) STATUS$");
    private static final Pattern SHOW_STATUS = p("^SHOW (?:GLOBAL |SESSION )?STATUS LIKE ['\"](.*)['\"]$");
    private static final Pattern SHOW_BINLOG_EVENTS = p("^SHOW BINLOG EVENTS IN '(.*)' FROM (\\d+) LIMIT 1$");
    private static final Pattern LOG_STATUS = p("^SELECT (.+) FROM performance_schema\\.log_status( LIMIT 0)?$");
    private static final Pattern PROCESSLIST = p(
            "^SELECT COUNT\\(\\*\\) FROM INFORMATION_SCHEMA\\.PROCESSLIST WHERE STATE = ['\"](.*?)['\"] AND INFO = ['\"](.*)['\"]$");
    private static final Pattern INSTRUMENT =
            p("^SELECT ENABLED FROM performance_schema\\.setup_instruments WHERE NAME = '(.+)'$");
    private static final Pattern ENABLE_INSTRUMENT =
            p("^UPDATE performance_schema\\.setup_instruments SET ENABLED = '(YES|NO)' WHERE NAME = '(.+)'$");
    private static final Pattern CREATE_USER = p("^CREATE USER (?:IF NOT EXISTS )?(\\S+)$");
    private static final Pattern GRANT = p("^GRANT (.+) ON (\\S+) TO (\\S+)$");
    private static final Pattern REVOKE = p("^REVOKE (.+) ON (\\S+) FROM (\\S+)$");
    private static final Pattern DROP_USER = p("^DROP USER (?:IF EXISTS )?(\\S+)$");
    private static final Pattern KILL_QUERY = p("^KILL QUERY (\\d+)$");
    private static final Pattern ENGINE = p("ENGINE ?= ?(\\w+)");
    private static final Pattern DELAY_KEY_WRITE = p("DELAY_KEY_WRITE ?= ?1");
    private static final Pattern INT = Pattern.compile("-?\\d+");

    static ModelStatement parse(String sql) {
        String s = sql.trim();
        if (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1).trim();
        }
        Matcher m;
        if (LTFB.matcher(s).matches()) {
            return of(Kind.LOCK_TABLES_FOR_BACKUP, s);
        }
        if (LBFB.matcher(s).matches()) {
            return of(Kind.LOCK_BINLOG_FOR_BACKUP, s);
        }
        if (UNLOCK_BINLOG.matcher(s).matches()) {
            return of(Kind.UNLOCK_BINLOG, s);
        }
        if (UNLOCK_TABLES.matcher(s).matches()) {
            return of(Kind.UNLOCK_TABLES, s);
        }
        if (FTWRL.matcher(s).matches()) {
            return of(Kind.FLUSH_TABLES_WITH_READ_LOCK, s);
        }
        if ((m = FLUSH_LISTED_READ_LOCK.matcher(s)).matches()) {
            return withTables(Kind.FLUSH_LISTED_WITH_READ_LOCK, s, list(m.group(1)));
        }
        if ((m = FLUSH_FOR_EXPORT.matcher(s)).matches()) {
            return withTables(Kind.FLUSH_FOR_EXPORT, s, list(m.group(1)));
        }
        if (FLUSH_TABLES.matcher(s).matches()) {
            return of(Kind.FLUSH_TABLES, s);
        }
        if ((m = LOCK_TABLES.matcher(s)).matches()) {
            return withTables(Kind.LOCK_TABLES, s, List.of(name(m.group(1))));
        }
        if (LOCK_INSTANCE.matcher(s).matches()) {
            return of(Kind.LOCK_INSTANCE, s);
        }
        if (UNLOCK_INSTANCE.matcher(s).matches()) {
            return of(Kind.UNLOCK_INSTANCE, s);
        }
        if (START.matcher(s).matches()) {
            return of(Kind.START_TRANSACTION, s);
        }
        if ((m = START_SNAPSHOT.matcher(s)).matches()) {
            return arg(Kind.START_CONSISTENT_SNAPSHOT, s, m.group(1), null);
        }
        if (COMMIT.matcher(s).matches()) {
            return of(Kind.COMMIT, s);
        }
        if (ROLLBACK.matcher(s).matches()) {
            return of(Kind.ROLLBACK, s);
        }
        if ((m = INSERT.matcher(s)).matches()) {
            Kind kind = m.group(1).equalsIgnoreCase("REPLACE") ? Kind.REPLACE : Kind.INSERT;
            return new ModelStatement(
                    kind, s, List.of(name(m.group(2))), null, false, false, null, null, firstColumn(m.group(3)), false);
        }
        if ((m = UPDATE.matcher(s)).matches()) {
            return new ModelStatement(
                    Kind.UPDATE,
                    s,
                    List.of(name(m.group(1))),
                    null,
                    false,
                    false,
                    null,
                    null,
                    List.of(Integer.parseInt(m.group(3))),
                    false);
        }
        if ((m = DELETE.matcher(s)).matches()) {
            return withTables(Kind.DELETE, s, List.of(name(m.group(1))));
        }
        if ((m = SELECT_COUNT.matcher(s)).matches() && !systemTable(m.group(1))) {
            return withTables(Kind.SELECT_COUNT, s, List.of(name(m.group(1))));
        }
        if ((m = SELECT_ROWS.matcher(s)).matches() && !systemTable(m.group(1))) {
            return withTables(Kind.SELECT_ROWS, s, List.of(name(m.group(1))));
        }
        if ((m = CREATE_TABLE.matcher(s)).matches()) {
            Matcher engine = ENGINE.matcher(m.group(5));
            return new ModelStatement(
                    Kind.CREATE_TABLE,
                    s,
                    List.of(name(m.group(3))),
                    engine.find() ? engine.group(1) : "InnoDB",
                    m.group(1) != null,
                    m.group(2) != null,
                    null,
                    null,
                    List.of(),
                    DELAY_KEY_WRITE.matcher(m.group(5)).find());
        }
        if ((m = DROP_TABLE.matcher(s)).matches()) {
            return new ModelStatement(
                    Kind.DROP_TABLE,
                    s,
                    list(m.group(3)),
                    null,
                    m.group(1) != null,
                    m.group(2) != null,
                    null,
                    null,
                    List.of(),
                    false);
        }
        if ((m = TRUNCATE.matcher(s)).matches()) {
            return withTables(Kind.TRUNCATE, s, List.of(name(m.group(1))));
        }
        if ((m = RENAME.matcher(s)).matches()) {
            List<String> names = new ArrayList<>();
            for (String pair : m.group(1).split(",")) {
                String[] parts = pair.trim().split("(?i) TO ");
                names.add(name(parts[0]));
                names.add(name(parts[1]));
            }
            return withTables(Kind.RENAME, s, names);
        }
        if ((m = ALTER.matcher(s)).matches()) {
            return withTables(Kind.ALTER, s, List.of(name(m.group(1))));
        }
        if ((m = CREATE_DATABASE.matcher(s)).matches()) {
            return new ModelStatement(
                    Kind.CREATE_DATABASE,
                    s,
                    List.of(),
                    null,
                    false,
                    m.group(1) != null,
                    name(m.group(2)),
                    null,
                    List.of(),
                    false);
        }
        if ((m = DROP_DATABASE.matcher(s)).matches()) {
            return new ModelStatement(
                    Kind.DROP_DATABASE,
                    s,
                    List.of(),
                    null,
                    false,
                    m.group(1) != null,
                    name(m.group(2)),
                    null,
                    List.of(),
                    false);
        }
        if (OTHER_DDL.matcher(s).matches()) {
            return of(Kind.OTHER_DDL, s);
        }
        if ((m = USE.matcher(s)).matches()) {
            return arg(Kind.USE, s, name(m.group(1)), null);
        }
        if ((m = SET.matcher(s)).matches() && !m.group(2).equalsIgnoreCase("TRANSACTION")) {
            String scope = m.group(1) == null
                    ? "SESSION"
                    : m.group(1).replace("@", "").replace(".", "").trim().toUpperCase(Locale.ROOT);
            String variable = m.group(2).toLowerCase(Locale.ROOT);
            String value = unquote(m.group(3).trim());
            if (variable.equals("debug_sync")) {
                return arg(Kind.SET_DEBUG_SYNC, s, value, null);
            }
            return arg(Kind.SET_VARIABLE, s, scope.isEmpty() ? "SESSION" : scope, variable + "=" + value);
        }
        if (s.toUpperCase(Locale.ROOT).startsWith("SET ")) {
            return of(Kind.SET_OTHER, s);
        }
        if ((m = SHOW_VARIABLES.matcher(s)).matches()) {
            return arg(Kind.SHOW_VARIABLES_LIKE, s, m.group(1), null);
        }
        if ((m = SELECT_VARIABLE.matcher(s)).matches()) {
            String scope = m.group(1) == null ? "" : m.group(1).replace(".", "").toUpperCase(Locale.ROOT);
            return new ModelStatement(
                    Kind.SELECT_VARIABLE,
                    s,
                    List.of(),
                    null,
                    false,
                    false,
                    scope + ":" + m.group(2).toLowerCase(Locale.ROOT),
                    m.group(3),
                    List.of(),
                    false);
        }
        if (SHOW_MASTER_STATUS.matcher(s).matches()) {
            return of(Kind.SHOW_MASTER_STATUS, s);
        }
        if ((m = SHOW_STATUS.matcher(s)).matches()) {
            return arg(Kind.SHOW_STATUS_LIKE, s, m.group(1), null);
        }
        if ((m = SHOW_BINLOG_EVENTS.matcher(s)).matches()) {
            return arg(Kind.SHOW_BINLOG_EVENTS, s, m.group(1), m.group(2));
        }
        if ((m = LOG_STATUS.matcher(s)).matches()) {
            return arg(Kind.LOG_STATUS, s, m.group(1), m.group(2) != null ? "LIMIT 0" : null);
        }
        if ((m = PROCESSLIST.matcher(s)).matches()) {
            return arg(Kind.PROCESSLIST_COUNT, s, m.group(1), m.group(2));
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.contains("from performance_schema.metadata_locks") && lower.contains("connection_id()")) {
            return of(Kind.OWN_GLOBAL_LOCKS, s);
        }
        if ((m = INSTRUMENT.matcher(s)).matches()) {
            return arg(Kind.INSTRUMENT_ENABLED, s, m.group(1), null);
        }
        if ((m = ENABLE_INSTRUMENT.matcher(s)).matches()) {
            return arg(Kind.ENABLE_INSTRUMENT, s, m.group(2), m.group(1).toUpperCase(Locale.ROOT));
        }
        if (lower.contains("from information_schema.tables") && lower.contains("delay_key_write=1")) {
            return of(Kind.DELAYED_KEY_TABLES, s);
        }
        if ((m = CREATE_USER.matcher(s)).matches()) {
            return arg(Kind.CREATE_USER, s, user(m.group(1)), null);
        }
        if ((m = GRANT.matcher(s)).matches()) {
            return new ModelStatement(
                            Kind.GRANT,
                            s,
                            List.of(),
                            null,
                            false,
                            false,
                            user(m.group(3)),
                            m.group(2),
                            List.of(),
                            false)
                    .withPrivileges(m.group(1));
        }
        if ((m = REVOKE.matcher(s)).matches()) {
            return new ModelStatement(
                            Kind.REVOKE,
                            s,
                            List.of(),
                            null,
                            false,
                            false,
                            user(m.group(3)),
                            m.group(2),
                            List.of(),
                            false)
                    .withPrivileges(m.group(1));
        }
        if ((m = DROP_USER.matcher(s)).matches()) {
            return arg(Kind.DROP_USER, s, user(m.group(1)), null);
        }
        if ((m = KILL_QUERY.matcher(s)).matches()) {
            return arg(Kind.KILL_QUERY, s, m.group(1), null);
        }
        return of(Kind.UNKNOWN, s);
    }

    /** GRANT/REVOKE keep the privilege list in {@code engine}'s place, comma-separated and upper-case. */
    private ModelStatement withPrivileges(String privileges) {
        return new ModelStatement(
                kind,
                text,
                tables,
                privileges.trim().toUpperCase(Locale.ROOT),
                temporary,
                ifExists,
                arg,
                arg2,
                values,
                delayKeyWrite);
    }

    List<String> privileges() {
        return Arrays.stream(engine.split(","))
                .map(String::trim)
                .map(p -> p.replaceAll("\\s+", " "))
                .toList();
    }

    /** The first table named, without schema or quotes. */
    String table() {
        return tables.get(0);
    }

    private static ModelStatement of(Kind kind, String text) {
        return new ModelStatement(kind, text, List.of(), null, false, false, null, null, List.of(), false);
    }

    private static ModelStatement withTables(Kind kind, String text, List<String> tables) {
        return new ModelStatement(kind, text, tables, null, false, false, null, null, List.of(), false);
    }

    private static ModelStatement arg(Kind kind, String text, String arg, String arg2) {
        return new ModelStatement(kind, text, List.of(), null, false, false, arg, arg2, List.of(), false);
    }

    private static boolean systemTable(String qualified) {
        String q = qualified.toLowerCase(Locale.ROOT).replace("`", "");
        return q.startsWith("performance_schema.") || q.startsWith("information_schema.") || q.startsWith("mysql.");
    }

    private static List<String> list(String names) {
        return Arrays.stream(names.split(",")).map(ModelStatement::name).toList();
    }

    /** {@code `test`.`t1`}, {@code test.t1} and {@code t1} all name t1 (the model has one user schema). */
    static String name(String raw) {
        String n = raw.trim().replace("`", "");
        int dot = n.lastIndexOf('.');
        return (dot >= 0 ? n.substring(dot + 1) : n).toLowerCase(Locale.ROOT);
    }

    /** {@code 'u1'@'%'}, {@code u1@localhost} and {@code `u1`@`%`} all name the user u1. */
    static String user(String raw) {
        String n = raw.trim();
        int at = n.indexOf('@');
        return (at >= 0 ? n.substring(0, at) : n)
                .replace("'", "")
                .replace("`", "")
                .replace("\"", "");
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("'") && v.endsWith("'") || v.startsWith("\"") && v.endsWith("\""))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    /** The first value of each row of {@code (1),(2)} or {@code (1, 'x')}. */
    private static List<Integer> firstColumn(String rows) {
        List<Integer> values = new ArrayList<>();
        for (String row : rows.split("\\)\\s*,\\s*\\(")) {
            Matcher m = INT.matcher(row);
            values.add(m.find() ? Integer.parseInt(m.group()) : 0);
        }
        return values;
    }
}
