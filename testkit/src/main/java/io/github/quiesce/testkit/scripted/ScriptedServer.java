package io.github.quiesce.testkit.scripted;

import io.github.quiesce.ServerVersion;
import io.github.quiesce.testkit.Gtids;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A server at the JDBC level, for flavours that cannot run here (Percona Server): it answers the
 * probe as the real server does, records every statement in order, and fails any statement with the
 * server's real SQLState and error code.
 *
 * <p>{@link #percona57()} and {@link #percona80()} add a model with state ({@link PerconaModel}): each
 * connection holds its own backup locks, global read lock and transaction, and another connection's
 * conflicting statement waits until the lock is gone or its lock_wait_timeout passes, as Percona Server
 * does. The model is held to Percona's MTR assertions by strategies-percona's conformance suite. The
 * other flavours answer statelessly. Scripted {@link #fail failures} and {@link #answer answers} take
 * precedence over both.
 */
public final class ScriptedServer {

    /** A scripted failure: the error the real server returns. */
    public record Failure(String sqlState, int errorCode, String message) {}

    /** A result: column names and rows of string values. */
    public record Result(List<String> columns, List<List<String>> rows) {
        public static Result of(List<String> columns, List<List<String>> rows) {
            return new Result(
                    List.copyOf(columns),
                    rows.stream()
                            .map(r -> Collections.unmodifiableList(new ArrayList<>(r)))
                            .toList());
        }

        public static Result empty(String... columns) {
            return new Result(List.of(columns), List.of());
        }
    }

    private final Map<String, String> variables = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, String> status = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> grants = new ArrayList<>();
    private final Map<String, Function<String, Result>> answers = new LinkedHashMap<>();
    private final Map<String, Failure> failures = new HashMap<>();
    private final List<String> statements = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicLong nextConnectionId = new AtomicLong(100);
    private String account = "'backup'@'%'";
    private String binlogFile = "binlog.000003";
    private long binlogPosition = 1234;
    /** The Percona model's server_uuid: the source of the GTIDs its commits add to the default set. */
    private static final String OWN_UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

    private String gtidExecuted = OWN_UUID + ":1-42";
    private boolean replica;
    private final List<Channel> channels = new ArrayList<>();
    private final List<String> nonTransactionalTables = new ArrayList<>();
    /** Percona Server's lock model; null for the other flavours. */
    private PerconaModel model;

    private ScriptedServer() {}

    /** Percona Server 5.7 with backup locks, as {@code SHOW VARIABLES} prints it, and its lock model. */
    public static ScriptedServer percona57() {
        ScriptedServer s = new ScriptedServer()
                .variable("version", "5.7.44-48-log")
                .variable("version_comment", "Percona Server (GPL), Release 48, Revision 497f936a373")
                .variable("have_backup_locks", "YES")
                .variable("have_backup_safe_binlog_info", "YES")
                .variable("server_uuid", OWN_UUID)
                .commonMysqlVariables();
        s.model = new PerconaModel(s, PerconaModel.Generation.PS_57);
        return s;
    }

    /**
     * Percona Server 8.0 and its lock model: have_backup_locks=YES and have_backup_safe_binlog_info=YES
     * (sys_vars have_backup_safe_binlog_info_basic.result), no LOCK BINLOG FOR BACKUP.
     */
    public static ScriptedServer percona80() {
        ScriptedServer s = new ScriptedServer()
                .variable("version", "8.0.36-28")
                .variable("version_comment", "Percona Server (GPL), Release 28, Revision 47601f19")
                .variable("have_backup_locks", "YES")
                .variable("have_backup_safe_binlog_info", "YES")
                .variable("server_uuid", OWN_UUID)
                .commonMysqlVariables();
        s.model = new PerconaModel(s, PerconaModel.Generation.PS_80);
        return s;
    }

    /**
     * A node of Percona XtraDB Cluster 8.0 (Percona Server with wsrep and Galera 4), Synced in a primary component of
     * three, as {@code SHOW VARIABLES} and {@code SHOW GLOBAL STATUS} print it; {@link #status} changes its state.
     */
    public static ScriptedServer pxc80() {
        return new ScriptedServer()
                .variable("version", "8.0.36-28.1")
                .variable(
                        "version_comment",
                        "Percona XtraDB Cluster (GPL), Release rel28, Revision bfb687f, WSREP version 26.1.4.3")
                .variable("have_backup_locks", "YES")
                .variable("have_backup_safe_binlog_info", "NO")
                .variable("wsrep_on", "ON")
                .variable("wsrep_desync", "OFF")
                .variable("pxc_maint_mode", "DISABLED")
                .variable("pxc_strict_mode", "ENFORCING")
                .status("wsrep_provider_name", "Galera")
                .status("wsrep_provider_version", "26.4.16(r7dce5149)")
                .status("wsrep_cluster_status", "Primary")
                .status("wsrep_cluster_size", "3")
                .status("wsrep_local_state", "4")
                .status("wsrep_local_state_comment", "Synced")
                .status("wsrep_local_recv_queue", "0")
                .status("wsrep_ready", "ON")
                .status("wsrep_local_state_uuid", "8b3a1f52-e65e-11f1-8f0e-7e2b4c9d0a11")
                .status("wsrep_last_committed", "4711")
                .commonMysqlVariables();
    }

    /** Oracle MySQL 8.0.15 (no backup locks variables). */
    public static ScriptedServer mysql8() {
        return new ScriptedServer()
                .variable("version", "8.0.15")
                .variable("version_comment", "MySQL Community Server - GPL")
                .commonMysqlVariables();
    }

    /** MariaDB 11.4.5. */
    public static ScriptedServer mariadb11() {
        ScriptedServer s = new ScriptedServer()
                .variable("version", "11.4.5-MariaDB-log")
                .variable("version_comment", "MariaDB Server")
                .variable("log_bin", "ON")
                .variable("read_only", "OFF")
                .variable("lock_wait_timeout", "86400")
                .variable("delay_key_write", "ON");
        s.gtidExecuted = "0-1-42";
        return s.grants("GRANT ALL PRIVILEGES ON *.* TO `backup`@`%`");
    }

    private ScriptedServer commonMysqlVariables() {
        return variable("log_bin", "ON")
                .variable("gtid_mode", "ON")
                .variable("read_only", "OFF")
                .variable("super_read_only", "OFF")
                .variable("lock_wait_timeout", "31536000")
                .variable("delay_key_write", "ON")
                .variable("server_id", "1")
                .grants("GRANT ALL PRIVILEGES ON *.* TO `backup`@`%`");
    }

    public ScriptedServer variable(String name, String value) {
        variables.put(name, value);
        return this;
    }

    /** A status variable, as {@code SHOW GLOBAL STATUS} prints it; may be changed while a session runs. */
    public ScriptedServer status(String name, String value) {
        status.put(name, value);
        return this;
    }

    public ScriptedServer withoutVariable(String name) {
        variables.remove(name);
        return this;
    }

    /** Replaces the grant lines {@code SHOW GRANTS} prints. */
    public ScriptedServer grants(String... lines) {
        grants.clear();
        grants.addAll(List.of(lines));
        return this;
    }

    public ScriptedServer account(String account) {
        this.account = account;
        return this;
    }

    public ScriptedServer binlog(String file, long position, String gtid) {
        this.binlogFile = file;
        this.binlogPosition = position;
        this.gtidExecuted = gtid;
        if (model != null) {
            model.resetBinlog();
        }
        return this;
    }

    /**
     * A debug build of Percona Server: {@code SET debug_sync} works, as MTR tests marked
     * {@code have_debug.inc} need (release builds and the Docker images answer 1193).
     */
    public ScriptedServer debugBuild() {
        requireModel().debugBuild = true;
        return this;
    }

    /** A build before PS-4464: no Binlog_snapshot_gtid_executed status variable. */
    public ScriptedServer withoutBinlogSnapshotGtid() {
        requireModel().snapshotGtid = false;
        return this;
    }

    /**
     * The number 5.7 gives ER_CANT_EXECUTE_WITH_BACKUP_LOCK: 3234 in 5.7.22; later releases number it higher
     * (5.7.24 added ER_CANT_OPEN_ERROR_LOG ahead of it). The model's default, 3235, is not 5.7.22's so that
     * nothing comes to depend on that one number. 8.0 always gives 7000.
     */
    public ScriptedServer conflictingBackupLockNumber(int number) {
        requireModel().conflictingBackupLock57 = number;
        return this;
    }

    /** Every execution of the statement fails as Percona's ER_CANT_EXECUTE_WITH_BACKUP_LOCK does on this generation. */
    public ScriptedServer failWithConflictingBackupLock(String statement) {
        SQLException e = requireModel().conflictingBackupLock();
        return fail(statement, e.getSQLState(), e.getErrorCode(), e.getMessage());
    }

    /** The locks a connection holds now, named by the statements that take them (e.g. "LOCK TABLES FOR BACKUP"). */
    public Set<String> locksHeldBy(long connectionId) {
        return requireModel().locksHeldBy(connectionId);
    }

    /** The model's binary log position now, as BinlogCoordinates prints it; moves as modelled transactions commit. */
    public String binlogPositionNow() {
        return requireModel().binlogNow();
    }

    private PerconaModel requireModel() {
        if (model == null) {
            throw new IllegalStateException("only percona57() and percona80() have the lock model");
        }
        return model;
    }

    ModelBinlog newModelBinlog() {
        String uuid = variables.getOrDefault("server_uuid", "");
        return new ModelBinlog(binlogFile, binlogPosition, gtidExecuted, uuid.toLowerCase(Locale.ROOT));
    }

    Map<String, String> variablesSnapshot() {
        synchronized (variables) {
            return new LinkedHashMap<>(variables);
        }
    }

    boolean isReplica() {
        return replica;
    }

    /** User tables that are not InnoDB, as {@code schema.table (ENGINE)}; none by default. */
    public ScriptedServer nonTransactionalTables(String... tables) {
        nonTransactionalTables.clear();
        nonTransactionalTables.addAll(List.of(tables));
        return this;
    }

    public ScriptedServer replica(boolean isReplica) {
        this.replica = isReplica;
        return this;
    }

    /**
     * Makes the server a replica of one more source, named {@code channel} ("" for the default one): its
     * replica status then has a row for it, under the column names of the statement asked (MySQL's
     * {@code Source_*} from 8.0.22, {@code Master_*} before and on MariaDB, MariaDB's {@code Connection_name}),
     * with the applier idle; {@code Executed_Gtid_Set} is {@link #binlog}'s set.
     */
    public ScriptedServer replicaChannel(
            String channel, String host, int port, String sourceFile, long sourcePosition) {
        channels.add(new Channel(channel, host, port, sourceFile, sourcePosition));
        this.replica = true;
        return this;
    }

    private record Channel(String name, String host, int port, String file, long position) {}

    private Result replicaStatus(String upper) {
        if (!replica) {
            return Result.empty("Slave_IO_Running");
        }
        if (channels.isEmpty()) {
            return Result.of(List.of("Slave_IO_Running", "Slave_SQL_Running"), List.of(List.of("Yes", "Yes")));
        }
        boolean mariaDb = upper.startsWith("SHOW ALL");
        boolean source = !mariaDb && upper.startsWith("SHOW REPLICA");
        String m = source ? "Source" : "Master";
        String r = source ? "Replica" : "Slave";
        List<String> columns = List.of(
                mariaDb ? "Connection_name" : "Channel_Name",
                m + "_Host",
                m + "_Port",
                "Relay_" + m + "_Log_File",
                "Exec_" + m + "_Log_Pos",
                r + "_IO_Running",
                r + "_SQL_Running",
                r + "_SQL_Running_State",
                mariaDb ? "Gtid_Slave_Pos" : "Executed_Gtid_Set");
        String idle = r + " has read all relay log; waiting for more updates";
        return Result.of(
                columns,
                channels.stream()
                        .map(c -> List.of(
                                c.name(),
                                c.host(),
                                String.valueOf(c.port()),
                                c.file(),
                                String.valueOf(c.position()),
                                "Yes",
                                "Yes",
                                idle,
                                gtidExecuted))
                        .toList());
    }

    /**
     * MySQL 8.4 removed the old spellings (8.4 release notes: "SHOW MASTER STATUS", "SHOW SLAVE STATUS",
     * "START/STOP SLAVE", "CHANGE MASTER", "RESET MASTER" give a syntax error); a scripted 8.4+ server refuses
     * them as the real one does, so no test passes on a statement that no longer exists.
     */
    private boolean removedHere(String upper) {
        String version = variables.getOrDefault("version", "");
        // Only MySQL removed them; a scripted server may also pose as something that is no MySQL at all.
        if (version.contains("MariaDB") || !version.matches("\\d+\\.\\d+\\.\\d+.*")) {
            return false;
        }
        return ServerVersion.parse(version).atLeast(8, 4, 0)
                && (upper.startsWith("SHOW MASTER STATUS")
                        || upper.startsWith("SHOW SLAVE STATUS")
                        || upper.startsWith("START SLAVE")
                        || upper.startsWith("STOP SLAVE")
                        || upper.startsWith("CHANGE MASTER")
                        || upper.startsWith("RESET MASTER"));
    }

    /** Answers a query that starts with {@code statementPrefix} (case-insensitive) with a result. */
    public ScriptedServer answer(String statementPrefix, Result result) {
        return answer(statementPrefix, s -> result);
    }

    public ScriptedServer answer(String statementPrefix, Function<String, Result> result) {
        answers.put(normalize(statementPrefix), result);
        return this;
    }

    /** Every execution of the exact statement fails with this server error. */
    public ScriptedServer fail(String statement, String sqlState, int errorCode, String message) {
        failures.put(normalize(statement), new Failure(sqlState, errorCode, message));
        return this;
    }

    public ScriptedServer succeed(String statement) {
        failures.remove(normalize(statement));
        return this;
    }

    /** SHOW [ALL] {SLAVE | REPLICA | SLAVES | REPLICAS} STATUS, in any spelling a server version takes. */
    private static boolean isReplicaStatus(String upper) {
        return upper.matches("SHOW (ALL )?(SLAVE|REPLICA)S? STATUS.*");
    }

    /** Every statement executed, in order, with parameters filled in. */
    public List<String> statements() {
        synchronized (statements) {
            return List.copyOf(statements);
        }
    }

    /** The statements after the probe (those the session and strategy issued). */
    public List<String> statementsAfterProbe() {
        List<String> all = statements();
        int last = -1;
        for (int i = 0; i < all.size(); i++) {
            String u = all.get(i).toUpperCase(Locale.ROOT);
            if (isReplicaStatus(u)) {
                last = i;
            }
        }
        return all.subList(last + 1, all.size());
    }

    public void clearStatements() {
        statements.clear();
    }

    public int openConnections() {
        return openConnections.get();
    }

    public DataSource dataSource() {
        return dataSource(null);
    }

    /**
     * Connections as an account created with {@code CREATE USER}/{@code GRANT} on a Percona model (its
     * privileges are checked by the model), or, for null, as the default account of {@link #account}.
     */
    public DataSource dataSource(String user) {
        return proxy(DataSource.class, (p, m, a) -> switch (m.getName()) {
            case "getConnection" -> connection(user);
            case "getLogWriter" -> (PrintWriter) null;
            case "getParentLogger" -> Logger.getGlobal();
            case "isWrapperFor" -> false;
            case "unwrap" -> throw new SQLException("not a wrapper");
            case "toString" -> "ScriptedServer(" + variables.get("version") + ")";
            case "hashCode" -> System.identityHashCode(p);
            case "equals" -> p == a[0];
            default -> null;
        });
    }

    private Connection connection(String user) throws SQLException {
        if (user != null && (model == null || !model.hasUser(user))) {
            throw new SQLException(
                    "Access denied for user '" + user + "'@'localhost' (using password: NO)", "28000", 1045);
        }
        long id = nextConnectionId.getAndIncrement();
        openConnections.incrementAndGet();
        String who = user == null ? account : "'" + user + "'@'%'";
        if (model != null) {
            model.connect(id, user == null ? ModelStatement.user(account) : user, ModelAccounts.fromGrantLines(grants));
        }
        Session session = new Session(id, who, user);
        boolean[] closed = {false};
        return proxy(Connection.class, (p, m, a) -> switch (m.getName()) {
            case "createStatement" -> statement(null, session, closed);
            case "prepareStatement" -> statement((String) a[0], session, closed);
            case "close", "abort" -> {
                if (!closed[0]) {
                    closed[0] = true;
                    openConnections.decrementAndGet();
                    if (model != null) {
                        model.disconnect(id);
                    }
                }
                yield null;
            }
            case "isClosed" -> closed[0];
            case "isValid" -> !closed[0];
            case "getMetaData" -> proxy(
                    DatabaseMetaData.class,
                    (p2, m2, a2) -> m2.getName().equals("getURL") ? "jdbc:mysql://scripted:3306/" : null);
            case "getAutoCommit" -> model == null || model.autocommit(id);
            case "setAutoCommit" -> {
                if (model != null) {
                    model.setAutocommit(id, (Boolean) a[0]);
                }
                yield null;
            }
            case "commit", "rollback" -> {
                if (model != null) {
                    model.execute(id, m.getName().toUpperCase(Locale.ROOT));
                }
                yield null;
            }
            case "isWrapperFor" -> false;
            case "unwrap" -> throw new SQLException("not a wrapper");
            case "toString" -> "ScriptedConnection#" + id;
            case "hashCode" -> System.identityHashCode(p);
            case "equals" -> p == a[0];
            default -> defaultValue(m.getReturnType());
        });
    }

    /** Who a connection is: its id and account, and the model user it was opened as (null: the default). */
    private record Session(long id, String account, String user) {}

    private Statement statement(String prepared, Session session, boolean[] closed) {
        Map<Integer, Object> params = new HashMap<>();
        Class<?> type = prepared == null ? Statement.class : PreparedStatement.class;
        Object[] lastResult = {null};
        return (Statement) proxy(type, (p, m, a) -> switch (m.getName()) {
            case "setObject", "setString", "setLong", "setInt" -> {
                params.put((Integer) a[0], a[1]);
                yield null;
            }
            case "execute" -> {
                ResultSet rs = run(prepared != null ? bind(prepared, params) : (String) a[0], session, closed[0]);
                lastResult[0] = rs;
                yield rs != null;
            }
            case "executeQuery" -> {
                ResultSet rs = run(prepared != null ? bind(prepared, params) : (String) a[0], session, closed[0]);
                yield rs != null ? rs : ResultSets.of(Result.empty("result"));
            }
            case "executeUpdate" -> {
                run(prepared != null ? bind(prepared, params) : (String) a[0], session, closed[0]);
                yield 0;
            }
            case "getResultSet" -> lastResult[0];
            case "isWrapperFor" -> false;
            case "hashCode" -> System.identityHashCode(p);
            case "equals" -> p == a[0];
            default -> defaultValue(m.getReturnType());
        });
    }

    private ResultSet run(String sql, Session session, boolean closed) throws SQLException {
        if (closed) {
            throw new SQLException("No operations allowed after connection closed.", "08003", 0);
        }
        String s = normalize(sql);
        statements.add(s);
        Failure f = failures.get(s);
        if (f != null) {
            throw new SQLException(f.message(), f.sqlState(), f.errorCode());
        }
        String u = s.toUpperCase(Locale.ROOT);
        if (removedHere(u)) {
            throw new SQLException(
                    "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server"
                            + " version for the right syntax to use near '" + s + "'",
                    "42000",
                    1064);
        }
        for (Map.Entry<String, Function<String, Result>> e : answers.entrySet()) {
            if (u.startsWith(e.getKey().toUpperCase(Locale.ROOT))) {
                return ResultSets.of(e.getValue().apply(s));
            }
        }
        if (model != null) {
            PerconaModel.Reply reply = model.execute(session.id(), s);
            if (reply.handled()) {
                return reply.result() == null ? null : ResultSets.of(reply.result());
            }
        }
        if (u.startsWith("SHOW VARIABLES")) {
            List<List<String>> rows = new ArrayList<>();
            variablesSnapshot().forEach((k, v) -> rows.add(List.of(k, v)));
            return ResultSets.of(Result.of(List.of("Variable_name", "Value"), rows));
        }
        if (u.startsWith("SHOW GLOBAL STATUS")) {
            List<List<String>> rows = new ArrayList<>();
            new java.util.TreeMap<>(status).forEach((k, v) -> rows.add(List.of(k, v)));
            return ResultSets.of(Result.of(List.of("Variable_name", "Value"), rows));
        }
        if (u.startsWith("SELECT @@GLOBAL.")) {
            String name = s.substring("SELECT @@GLOBAL.".length()).toLowerCase(Locale.ROOT);
            if (variables.containsKey(name)) {
                return ResultSets.of(Result.of(List.of("@@GLOBAL." + name), List.of(List.of(variables.get(name)))));
            }
        }
        if (u.startsWith("SET GLOBAL WSREP_DESYNC = ")) {
            variables.put("wsrep_desync", s.substring("SET GLOBAL wsrep_desync = ".length()));
            return null;
        }
        if (u.startsWith("SELECT TRX_ID AS TRX,") && u.contains("= CONNECTION_ID() AS OWN")) {
            // information_schema.INNODB_TRX as a server nobody else polls shows it: fresh, with the asking
            // connection's own transaction (table-locks' guard counts a look only then) and no writer.
            return ResultSets.of(Result.of(
                    List.of("trx", "id", "own", "ms", "query"),
                    List.of(List.of("421", String.valueOf(session.id()), "1", "0", ""))));
        }
        if (u.startsWith("SELECT CONNECTION_ID()")) {
            return ResultSets.of(Result.of(
                    List.of("connection_id", "account"),
                    List.of(List.of(String.valueOf(session.id()), session.account()))));
        }
        if (u.equals("SHOW GRANTS")) {
            List<String> lines = session.user() == null ? grants : model.grantLines(session.user(), session.account());
            return ResultSets.of(Result.of(
                    List.of("Grants for " + session.account()),
                    lines.stream().map(List::of).toList()));
        }
        if (isReplicaStatus(u)) {
            return ResultSets.of(replicaStatus(u));
        }
        if (u.equals("SHOW MASTER STATUS") || u.equals("SHOW BINARY LOG STATUS")) {
            if (!"ON".equalsIgnoreCase(variables.get("log_bin"))) {
                return ResultSets.of(Result.empty("File", "Position"));
            }
            return ResultSets.of(Result.of(
                    List.of("File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB", "Executed_Gtid_Set"),
                    List.of(List.of(binlogFile, String.valueOf(binlogPosition), "", "", gtidExecuted))));
        }
        if (u.equals("SELECT LOCAL FROM PERFORMANCE_SCHEMA.LOG_STATUS")) {
            String local = "{\"gtid_executed\": \"" + gtidExecuted + "\", \"binary_log_file\": \"" + binlogFile
                    + "\", \"binary_log_position\": " + binlogPosition + "}";
            return ResultSets.of(Result.of(List.of("LOCAL"), List.of(List.of(local))));
        }
        if (u.startsWith("SELECT 1 FROM PERFORMANCE_SCHEMA.LOG_STATUS")) {
            return ResultSets.of(Result.empty("1"));
        }
        if (u.startsWith("SHOW BINLOG EVENTS IN")) {
            // The transaction after the set (one source UUID), as a consistent server would show it.
            return ResultSets.of(Result.of(
                    List.of("Log_name", "Pos", "Event_type", "Server_id", "End_log_pos", "Info"),
                    List.of(List.of(
                            binlogFile,
                            String.valueOf(binlogPosition),
                            "Gtid",
                            "1",
                            String.valueOf(binlogPosition + 77),
                            "SET @@SESSION.GTID_NEXT= '" + Gtids.next(gtidExecuted, null) + "'"))));
        }
        if (u.startsWith("SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME, ' (', ENGINE, ')')")) {
            return ResultSets.of(Result.of(
                    List.of("name"),
                    nonTransactionalTables.stream().map(List::of).toList()));
        }
        if (u.contains(" FROM INFORMATION_SCHEMA.TABLES ")) {
            return ResultSets.of(Result.empty("name"));
        }
        if (u.contains(" FROM PERFORMANCE_SCHEMA.SETUP_CONSUMERS ")) {
            // MySQL's defaults: the consumers the long-query guard reads are on.
            return ResultSets.of(Result.of(List.of("COUNT(*)"), List.of(List.of("3"))));
        }
        if (u.contains(" FROM INFORMATION_SCHEMA.PROCESSLIST ")
                || u.contains(" FROM PERFORMANCE_SCHEMA.EVENTS_STATEMENTS_CURRENT ")) {
            // A quiet server: nothing else is running.
            return ResultSets.of(Result.empty("ID", "USER", "MS", "QUERY"));
        }
        if (u.equals("SELECT @@GLOBAL.GTID_BINLOG_POS")) {
            return ResultSets.of(Result.of(List.of("@@GLOBAL.gtid_binlog_pos"), List.of(List.of(gtidExecuted))));
        }
        if (u.startsWith("SELECT") || u.startsWith("SHOW")) {
            throw new SQLException("The scripted server has no answer for: " + s, "42000", 1064);
        }
        return null;
    }

    private static String bind(String sql, Map<Integer, Object> params) {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (char c : sql.toCharArray()) {
            if (c == '?') {
                Object v = params.get(++n);
                sb.append(v instanceof String str ? "'" + str + "'" : String.valueOf(v));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String normalize(String sql) {
        return sql.trim().replaceAll("\\s+", " ");
    }

    static Object defaultValue(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class || type == long.class || type == short.class || type == byte.class) {
            return type == long.class ? (Object) 0L : (Object) 0;
        }
        if (type == double.class || type == float.class) {
            return 0.0;
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return (T) Proxy.newProxyInstance(ScriptedServer.class.getClassLoader(), new Class<?>[] {type}, handler);
    }
}
