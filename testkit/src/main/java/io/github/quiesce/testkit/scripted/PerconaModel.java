package io.github.quiesce.testkit.scripted;

import io.github.quiesce.testkit.scripted.ModelSession.Held;
import io.github.quiesce.testkit.scripted.ModelSession.Snapshot;
import io.github.quiesce.testkit.scripted.ModelSession.Transaction;
import io.github.quiesce.testkit.scripted.ScriptedServer.Result;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Percona Server's backup locks as a model with state: each connection holds its own locks, and a
 * statement of another connection that conflicts waits, with the server's PROCESSLIST state, until the
 * lock is released or its {@code lock_wait_timeout} passes (error 1205). What it does, and in which order
 * it checks, follows Percona's source ({@code sql/sql_parse.cc lock_tables_for_backup()},
 * {@code sql/lock.cc}, {@code sql/sql_base.cc}) and is held to Percona's own MTR assertions by the
 * conformance suite in strategies-percona, which runs the same cases against the real images where Docker
 * runs.
 *
 * <p>Modelled: LOCK TABLES FOR BACKUP against non-transactional DML and all DDL (5.7 state "Waiting for
 * backup lock", 8.0 "Waiting for table backup lock"); 5.7's LOCK BINLOG FOR BACKUP against anything that
 * writes to the binary log ("Waiting for binlog lock"); FLUSH TABLES WITH READ LOCK; LOCK TABLES and
 * FLUSH TABLES ... FOR EXPORT / WITH READ LOCK (1192 against backup locks); the conflicts of each on one
 * connection (ER_CANT_EXECUTE_WITH_BACKUP_LOCK); UNLOCK TABLES / UNLOCK BINLOG; delay_key_write=ALL
 * (1290); the backup-lock privilege of each generation (1227); consistent snapshots with
 * Binlog_snapshot_* and their clones; performance_schema.log_status (8.0) with the PS-7873 lag before
 * 8.0.27-18; the 5.7 metadata-lock instrument being off by default; DEBUG_SYNC in a debug build.
 */
final class PerconaModel {

    /** Which Percona Server line the model answers as. */
    enum Generation {
        PS_57,
        PS_80;

        String tablesBackupLockWait() {
            return this == PS_80 ? "Waiting for table backup lock" : "Waiting for backup lock";
        }
    }

    /** What {@link #execute} did: not a statement the model knows, or handled with this result (null: no rows). */
    record Reply(boolean handled, Result result) {
        static final Reply NOT_MINE = new Reply(false, null);
        static final Reply OK = new Reply(true, null);

        static Reply rows(Result result) {
            return new Reply(true, result);
        }
    }

    static final String MDL_INSTRUMENT = "wait/lock/metadata/sql/mdl";
    private static final Pattern PERCONA_BUILD = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)-(\\d+)");
    private static final Set<String> GLOBAL_ONLY = Set.of(
            "have_backup_locks",
            "have_backup_safe_binlog_info",
            "delay_key_write",
            "log_bin",
            "gtid_mode",
            "server_uuid",
            "version",
            "version_comment",
            "read_only");

    private final ScriptedServer server;
    final Generation generation;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<Long, ModelSession> sessions = new LinkedHashMap<>();
    private final ModelTables tables = new ModelTables();
    private final ModelAccounts accounts = new ModelAccounts();
    private final DebugSync debugSync = new DebugSync();
    private ModelBinlog binlog;
    private long committed;
    private boolean mdlInstrument;
    boolean debugBuild;
    boolean snapshotGtid = true;
    /** 5.7's number of ER_CANT_EXECUTE_WITH_BACKUP_LOCK; see {@link ScriptedServer#conflictingBackupLockNumber}. */
    int conflictingBackupLock57 = 3235;

    PerconaModel(ScriptedServer server, Generation generation) {
        this.server = server;
        this.generation = generation;
        // The metadata-lock instrument is on by default from MySQL 8.0; 5.7 ships it off.
        this.mdlInstrument = generation == Generation.PS_80;
    }

    // ---- connections ------------------------------------------------------------------------------

    void connect(long id, String user, Set<String> defaultPrivileges) {
        lock.lock();
        try {
            Set<String> privileges = accounts.exists(user) ? accounts.of(user) : defaultPrivileges;
            sessions.put(id, new ModelSession(id, user, privileges, globalLockWaitTimeout()));
        } finally {
            lock.unlock();
        }
    }

    /** A closed connection's locks and transaction go with it (THD cleanup), and waiters move on. */
    void disconnect(long id) {
        lock.lock();
        try {
            sessions.remove(id);
            debugSync.forget(id);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean hasUser(String user) {
        lock.lock();
        try {
            return accounts.exists(user);
        } finally {
            lock.unlock();
        }
    }

    /** What SHOW GRANTS prints for an account created through the model. */
    List<String> grantLines(String user, String account) {
        lock.lock();
        try {
            Set<String> held = accounts.of(user);
            return List.of("GRANT " + (held.isEmpty() ? "USAGE" : String.join(", ", new java.util.TreeSet<>(held)))
                    + " ON *.* TO " + account);
        } finally {
            lock.unlock();
        }
    }

    /** The locks a connection holds now, by the statements that took them. */
    Set<String> locksHeldBy(long id) {
        lock.lock();
        try {
            ModelSession s = sessions.get(id);
            Set<String> out = new java.util.LinkedHashSet<>();
            if (s != null) {
                s.held.forEach(h -> out.add(h.statement));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    void setAutocommit(long id, boolean on) throws SQLException {
        lock.lock();
        try {
            ModelSession s = session(id);
            if (on && !s.autocommit) {
                commit(s);
            }
            s.autocommit = on;
        } finally {
            lock.unlock();
        }
    }

    boolean autocommit(long id) {
        lock.lock();
        try {
            ModelSession s = sessions.get(id);
            return s == null || s.autocommit;
        } finally {
            lock.unlock();
        }
    }

    SQLException conflictingBackupLock() {
        return ModelErrors.conflictingBackupLock(generation, conflictingBackupLock57);
    }

    // ---- statements -------------------------------------------------------------------------------

    Reply execute(long id, String sql) throws SQLException {
        ModelStatement st = ModelStatement.parse(sql);
        if (st.kind() == ModelStatement.Kind.UNKNOWN) {
            return Reply.NOT_MINE;
        }
        lock.lock();
        try {
            ModelSession s = session(id);
            s.info = sql;
            // KILL QUERY ends the statement running when it arrives; an idle connection keeps nothing of it.
            s.killed = false;
            try {
                return run(s, st);
            } finally {
                s.info = null;
                s.state = "";
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private Reply run(ModelSession s, ModelStatement st) throws SQLException {
        switch (st.kind()) {
            case LOCK_TABLES_FOR_BACKUP -> lockTablesForBackup(s);
            case LOCK_BINLOG_FOR_BACKUP -> lockBinlogForBackup(s);
            case UNLOCK_BINLOG -> {
                require57("BINLOG");
                s.held.remove(Held.BINLOG_BACKUP_LOCK);
            }
            case UNLOCK_TABLES -> unlockTables(s);
            case FLUSH_TABLES_WITH_READ_LOCK -> flushTablesWithReadLock(s);
            case FLUSH_LISTED_WITH_READ_LOCK, FLUSH_FOR_EXPORT -> {
                requirePrivilege(s, "RELOAD");
                refuseUnderOwnTablesBackupLock(s);
                for (String t : st.tables()) {
                    requireTable(t);
                }
                commitImplicitly(s);
                s.held.add(Held.TABLE_LOCKS);
            }
            case FLUSH_TABLES -> requirePrivilege(s, "RELOAD");
            case LOCK_TABLES -> {
                refuseUnderOwnTablesBackupLock(s);
                commitImplicitly(s);
                requireTable(st.table());
                s.held.add(Held.TABLE_LOCKS);
            }
            case LOCK_INSTANCE -> {
                require80("INSTANCE FOR BACKUP");
                requirePrivilege(s, "BACKUP_ADMIN");
                s.held.add(Held.INSTANCE_BACKUP_LOCK);
            }
            case UNLOCK_INSTANCE -> {
                require80("INSTANCE");
                requirePrivilege(s, "BACKUP_ADMIN");
                s.held.remove(Held.INSTANCE_BACKUP_LOCK);
            }
            case START_TRANSACTION -> {
                commitImplicitly(s);
                s.transaction = new Transaction();
            }
            case START_CONSISTENT_SNAPSHOT -> startConsistentSnapshot(s, st.arg());
            case COMMIT -> commit(s);
            case ROLLBACK -> s.transaction = null;
            case INSERT, REPLACE, UPDATE, DELETE -> dml(s, st);
            case SELECT_ROWS, SELECT_COUNT -> {
                return Reply.rows(select(s, st));
            }
            case CREATE_TABLE, DROP_TABLE, TRUNCATE, RENAME, ALTER, CREATE_DATABASE, DROP_DATABASE, OTHER_DDL -> ddl(
                    s, st);
            case USE, SET_OTHER -> {}
            case SET_VARIABLE -> setVariable(s, st.arg(), st.arg2());
            case SET_DEBUG_SYNC -> setDebugSync(s, st.arg());
            case SHOW_VARIABLES_LIKE -> {
                return Reply.rows(showVariables(s, st.arg()));
            }
            case SELECT_VARIABLE -> {
                return Reply.rows(selectVariable(s, st));
            }
            case SHOW_MASTER_STATUS -> {
                return Reply.rows(showMasterStatus(s));
            }
            case SHOW_STATUS_LIKE -> {
                return Reply.rows(showStatus(s, st.arg()));
            }
            case SHOW_BINLOG_EVENTS -> {
                return Reply.rows(showBinlogEvents(s, st.arg(), Long.parseLong(st.arg2())));
            }
            case LOG_STATUS -> {
                return Reply.rows(logStatus(s, st));
            }
            case PROCESSLIST_COUNT -> {
                long n = sessions.values().stream()
                        .filter(o -> st.arg().equals(o.state) && st.arg2().equals(o.info))
                        .count();
                return Reply.rows(single("COUNT(*)", String.valueOf(n)));
            }
            case OWN_GLOBAL_LOCKS -> {
                // FTWRL's lock shows as OBJECT_TYPE GLOBAL only where the instrument is on (the 5.7 default is off).
                boolean seen = mdlInstrument && s.holds(Held.GLOBAL_READ_LOCK);
                return Reply.rows(single("COUNT(*)", seen ? "1" : "0"));
            }
            case INSTRUMENT_ENABLED -> {
                boolean on = !st.arg().equalsIgnoreCase(MDL_INSTRUMENT) || mdlInstrument;
                return Reply.rows(single("ENABLED", on ? "YES" : "NO"));
            }
            case ENABLE_INSTRUMENT -> {
                if (st.arg().equalsIgnoreCase(MDL_INSTRUMENT)) {
                    mdlInstrument = st.arg2().equals("YES");
                }
            }
            case DELAYED_KEY_TABLES -> {
                return Reply.rows(Result.of(
                        List.of("name"),
                        tables.delayedKeyWriteMyisam().stream().map(List::of).toList()));
            }
            case CREATE_USER -> accounts.create(st.arg());
            case GRANT -> {
                accounts.create(st.arg());
                if (st.arg2().equals("*.*")) {
                    accounts.grant(st.arg(), st.privileges());
                }
            }
            case REVOKE -> {
                if (st.arg2().equals("*.*")) {
                    accounts.revoke(st.arg(), st.privileges());
                }
            }
            case DROP_USER -> accounts.drop(st.arg());
            case KILL_QUERY -> {
                ModelSession target = sessions.get(Long.parseLong(st.arg()));
                if (target == null) {
                    throw ModelErrors.noSuchThread(Long.parseLong(st.arg()));
                }
                target.killed = true;
            }
            default -> throw ModelErrors.notModelled(st.text());
        }
        return Reply.OK;
    }

    // ---- backup locks -----------------------------------------------------------------------------

    /** sql_parse.cc lock_tables_for_backup(): privilege, delay_key_write, no-op when held, 1192 under LOCK TABLES. */
    private void lockTablesForBackup(ModelSession s) throws SQLException {
        requirePrivilege(s, backupLockPrivilege());
        if ("ALL".equalsIgnoreCase(variable("delay_key_write"))) {
            throw ModelErrors.optionPreventsStatement("delay_key_write=ALL");
        }
        // A connection that holds the global read lock already has the stronger lock: nothing happens.
        if (s.holds(Held.TABLES_BACKUP_LOCK) || s.holds(Held.GLOBAL_READ_LOCK)) {
            return;
        }
        if (s.holds(Held.TABLE_LOCKS)) {
            throw ModelErrors.lockOrActiveTransaction();
        }
        s.held.add(Held.TABLES_BACKUP_LOCK);
    }

    private void lockBinlogForBackup(ModelSession s) throws SQLException {
        if (generation == Generation.PS_80) {
            // Percona Server 8.0 dropped the statement from its grammar.
            throw ModelErrors.parseError("BINLOG FOR BACKUP");
        }
        requirePrivilege(s, "RELOAD");
        if (s.holds(Held.BINLOG_BACKUP_LOCK) || s.holds(Held.GLOBAL_READ_LOCK)) {
            return;
        }
        s.held.add(Held.BINLOG_BACKUP_LOCK);
    }

    /** UNLOCK TABLES ends LOCK TABLES, the tables backup lock and the global read lock; never the binlog lock. */
    private void unlockTables(ModelSession s) throws SQLException {
        if (s.holds(Held.TABLE_LOCKS)) {
            commitImplicitly(s);
            s.held.remove(Held.TABLE_LOCKS);
        }
        s.held.remove(Held.TABLES_BACKUP_LOCK);
        s.held.remove(Held.GLOBAL_READ_LOCK);
    }

    /** lock.cc lock_global_read_lock(): backup locks may not be upgraded to FTWRL on the same connection. */
    private void flushTablesWithReadLock(ModelSession s) throws SQLException {
        requirePrivilege(s, "RELOAD");
        if (s.holds(Held.TABLE_LOCKS)) {
            throw ModelErrors.lockOrActiveTransaction();
        }
        if (s.holds(Held.GLOBAL_READ_LOCK)) {
            return;
        }
        refuseUnderOwnTablesBackupLock(s);
        if (generation == Generation.PS_57 && s.holds(Held.BINLOG_BACKUP_LOCK)) {
            throw conflictingBackupLock();
        }
        s.held.add(Held.GLOBAL_READ_LOCK);
    }

    private String backupLockPrivilege() {
        // 8.0.13-4 moved LOCK TABLES FOR BACKUP from RELOAD to BACKUP_ADMIN.
        return generation == Generation.PS_80 ? "BACKUP_ADMIN" : "RELOAD";
    }

    private void refuseUnderOwnTablesBackupLock(ModelSession s) throws SQLException {
        if (s.holds(Held.TABLES_BACKUP_LOCK)) {
            throw conflictingBackupLock();
        }
    }

    // ---- transactions and the binary log ---------------------------------------------------------------

    private void startConsistentSnapshot(ModelSession s, String fromSession) throws SQLException {
        commitImplicitly(s);
        Transaction t = new Transaction();
        t.consistent = true;
        if (fromSession == null) {
            // The read view and the binlog position are taken together, under the commit lock.
            awaitQuietCommits(s);
            t.snapshot = snapshotNow();
        } else {
            long donorId = fromSession.matches("\\d+") ? Long.parseLong(fromSession) : 0;
            ModelSession donor = sessions.get(donorId);
            if (donor == null) {
                throw ModelErrors.noSuchThread(donorId);
            }
            // A donor without a read view: InnoDB warns and starts a transaction of its own (no error).
            t.snapshot =
                    donor.transaction != null && donor.transaction.snapshot != null ? donor.transaction.snapshot : null;
            t.consistent = t.snapshot != null;
        }
        s.transaction = t;
    }

    private Snapshot snapshotNow() {
        return new Snapshot(committed, binlog().file(), binlog().position(), binlog().gtidExecuted());
    }

    private void commitImplicitly(ModelSession s) throws SQLException {
        if (s.transaction != null) {
            commit(s);
        }
    }

    private void commit(ModelSession s) throws SQLException {
        Transaction t = s.transaction;
        s.transaction = null;
        if (t == null || t.pending.isEmpty()) {
            return;
        }
        // The transaction is already ended: a commit that times out is rolled back (backup_locks_binlog.inc
        // reads the rows as they were before it).
        writeToBinlog(
                s,
                ModelBinlog.DML_TRANSACTION,
                () -> t.pending.forEach(p -> table(s, p.table()).apply(p, committed)));
    }

    /**
     * The group commit of one transaction: waits for other connections' binlog lock (5.7) and global read
     * lock, writes its events (flush stage), and makes it visible and adds its GTID (commit stage).
     */
    private void writeToBinlog(ModelSession s, int size, Runnable visible) throws SQLException {
        if (!binlogOn()) {
            committed++;
            visible.run();
            return;
        }
        waitFor(s, "Waiting for commit lock", () -> noOther(s, Held.GLOBAL_READ_LOCK));
        if (generation == Generation.PS_57) {
            waitFor(s, "Waiting for binlog lock", () -> noOther(s, Held.BINLOG_BACKUP_LOCK));
        }
        String gtid = binlog().flush(gtidsOn(), size);
        changed.signalAll();
        syncPoint(s, DebugSync.BEFORE_HANDLE_GTID);
        committed++;
        visible.run();
        binlog().commit(gtid);
        changed.signalAll();
    }

    private void awaitQuietCommits(ModelSession s) throws SQLException {
        while (binlog().inFlight() > 0) {
            awaitSignal(s);
        }
    }

    // ---- DML, DDL, reads --------------------------------------------------------------------------

    private void dml(ModelSession s, ModelStatement st) throws SQLException {
        ModelTables.Table temporary = s.temporaryTables.get(st.table());
        if (temporary != null) {
            // Temporary tables are the connection's own: no backup lock applies, and ROW format does not log them.
            temporary.apply(st, committed);
            return;
        }
        ModelTables.Table t = requireTable(st.table());
        if (t.nonTransactional()) {
            refuseUnderOwnTablesBackupLock(s);
        }
        if (s.holds(Held.GLOBAL_READ_LOCK)) {
            throw ModelErrors.conflictingReadLock();
        }
        waitFor(s, "Waiting for global read lock", () -> noOther(s, Held.GLOBAL_READ_LOCK));
        if (t.nonTransactional()) {
            waitFor(s, generation.tablesBackupLockWait(), () -> noOther(s, Held.TABLES_BACKUP_LOCK));
        }
        boolean inTransaction = s.transaction != null || !s.autocommit;
        if (t.transactional() && inTransaction) {
            if (s.transaction == null) {
                s.transaction = new Transaction();
            }
            s.transaction.pending.add(st);
            return;
        }
        boolean logged =
                !t.blackhole() || st.kind() == ModelStatement.Kind.INSERT || st.kind() == ModelStatement.Kind.REPLACE;
        if (t.nonTransactional()) {
            // Changed at once, logged at the end of the statement: a timeout leaves the change made.
            t.apply(st, committed + 1);
            if (logged) {
                writeToBinlog(s, ModelBinlog.DML_TRANSACTION, () -> {});
            } else {
                committed++;
            }
            return;
        }
        if (logged) {
            writeToBinlog(s, ModelBinlog.DML_TRANSACTION, () -> t.apply(st, committed));
        } else {
            committed++;
            t.apply(st, committed);
        }
    }

    private Result select(ModelSession s, ModelStatement st) throws SQLException {
        ModelTables.Table t = s.temporaryTables.get(st.table());
        List<Integer> rows;
        if (t != null) {
            rows = t.visibleAt(Long.MAX_VALUE - 1);
        } else {
            t = requireTable(st.table());
            long at = committed;
            if (t.transactional() && (s.transaction != null || !s.autocommit)) {
                if (s.transaction == null) {
                    s.transaction = new Transaction();
                }
                if (s.transaction.snapshot == null) {
                    s.transaction.snapshot = snapshotNow();
                }
                at = s.transaction.snapshot.sequence();
            } else if (!t.transactional()) {
                at = Long.MAX_VALUE - 1;
            }
            rows = t.visibleAt(at);
        }
        if (st.kind() == ModelStatement.Kind.SELECT_COUNT) {
            return single("COUNT(*)", String.valueOf(rows.size()));
        }
        return Result.of(
                List.of("a"), rows.stream().map(v -> List.of(String.valueOf(v))).toList());
    }

    /**
     * DDL: the connection's transaction ends; its own tables backup lock refuses it (even for a table that
     * does not exist); another's waits; existence is checked next; the change is made and then logged, so
     * a timeout on 5.7's binlog lock leaves it made (backup_locks_binlog.inc: "DDLs are not transactional").
     */
    private void ddl(ModelSession s, ModelStatement st) throws SQLException {
        if (st.temporary()) {
            temporaryDdl(s, st);
            return;
        }
        if (st.kind() == ModelStatement.Kind.DROP_TABLE
                && st.tables().stream().allMatch(s.temporaryTables::containsKey)) {
            st.tables().forEach(s.temporaryTables::remove);
            return;
        }
        commitImplicitly(s);
        refuseUnderOwnTablesBackupLock(s);
        if (s.holds(Held.GLOBAL_READ_LOCK)) {
            throw ModelErrors.conflictingReadLock();
        }
        // The server opens the system tables a routine lives in with a lock_wait_timeout of a year
        // (backup_locks.test: "ER_LOCK_WAIT_TIMEOUT can't be used here"): such DDL waits until killed.
        long timeout = st.text().matches("(?i)^CREATE (PROCEDURE|FUNCTION) .*") ? 31_536_000 : s.lockWaitTimeoutSeconds;
        waitFor(s, "Waiting for global read lock", () -> noOther(s, Held.GLOBAL_READ_LOCK), timeout);
        waitFor(s, generation.tablesBackupLockWait(), () -> noOther(s, Held.TABLES_BACKUP_LOCK), timeout);
        switch (st.kind()) {
            case CREATE_TABLE -> {
                if (tables.get(st.table()) != null) {
                    if (st.ifExists()) {
                        return;
                    }
                    throw ModelErrors.tableExists(st.table());
                }
                tables.create(st.table(), st.engine(), st.delayKeyWrite());
            }
            case DROP_TABLE -> {
                List<String> missing =
                        st.tables().stream().filter(n -> tables.get(n) == null).toList();
                if (!missing.isEmpty() && !st.ifExists()) {
                    throw ModelErrors.unknownTable("test." + missing.get(0));
                }
                st.tables().forEach(tables::drop);
            }
            case TRUNCATE -> requireTable(st.table()).rows.clear();
            case ALTER -> requireTable(st.table());
            case RENAME -> {
                for (int i = 0; i < st.tables().size(); i += 2) {
                    requireTable(st.tables().get(i));
                    tables.rename(st.tables().get(i), st.tables().get(i + 1));
                }
            }
            case CREATE_DATABASE -> {
                if (tables.hasDatabase(st.arg())) {
                    if (st.ifExists()) {
                        return;
                    }
                    throw new SQLException("Can't create database '" + st.arg() + "'; database exists", "HY000", 1007);
                }
                tables.createDatabase(st.arg());
            }
            case DROP_DATABASE -> {
                if (!tables.hasDatabase(st.arg())) {
                    if (st.ifExists()) {
                        return;
                    }
                    throw new SQLException(
                            "Can't drop database '" + st.arg() + "'; database doesn't exist", "HY000", 1008);
                }
                tables.dropDatabase(st.arg());
            }
            default -> {}
        }
        writeToBinlog(s, ModelBinlog.DDL_TRANSACTION, () -> {});
    }

    private void temporaryDdl(ModelSession s, ModelStatement st) throws SQLException {
        if (st.kind() == ModelStatement.Kind.CREATE_TABLE) {
            if (s.temporaryTables.containsKey(st.table())) {
                throw ModelErrors.tableExists(st.table());
            }
            s.temporaryTables.put(st.table(), new ModelTables.Table(st.table(), st.engine(), false));
            return;
        }
        for (String n : st.tables()) {
            if (s.temporaryTables.remove(n) == null && !st.ifExists()) {
                throw ModelErrors.unknownTable("test." + n);
            }
        }
    }

    private ModelTables.Table table(ModelSession s, String name) {
        ModelTables.Table t = s.temporaryTables.get(name);
        return t != null ? t : tables.get(name);
    }

    private ModelTables.Table requireTable(String name) throws SQLException {
        ModelTables.Table t = tables.get(name);
        if (t == null) {
            throw ModelErrors.noSuchTable("test", name);
        }
        return t;
    }

    // ---- variables, status, performance_schema ------------------------------------------------------

    private void setVariable(ModelSession s, String scope, String assignment) throws SQLException {
        int eq = assignment.indexOf('=');
        String name = assignment.substring(0, eq);
        String value = assignment.substring(eq + 1).trim();
        boolean global = scope.equals("GLOBAL");
        switch (name) {
            case "lock_wait_timeout" -> {
                long seconds = value.equalsIgnoreCase("DEFAULT")
                        ? (global ? 31_536_000 : globalLockWaitTimeout())
                        : Long.parseLong(value);
                if (global) {
                    server.variable("lock_wait_timeout", String.valueOf(seconds));
                } else {
                    s.lockWaitTimeoutSeconds = seconds;
                }
            }
            case "delay_key_write" -> {
                String v = value.equalsIgnoreCase("DEFAULT") ? "ON" : value.toUpperCase(Locale.ROOT);
                if (v.equals("ALL")) {
                    // sys_vars.cc check_delay_key_write(): refused under the connection's own lock, waits for
                    // another's.
                    refuseUnderOwnTablesBackupLock(s);
                    waitFor(s, generation.tablesBackupLockWait(), () -> noOther(s, Held.TABLES_BACKUP_LOCK));
                }
                server.variable("delay_key_write", v);
            }
            default -> {
                if (global) {
                    server.variable(name, value);
                }
            }
        }
    }

    private void setDebugSync(ModelSession s, String value) throws SQLException {
        if (!debugBuild) {
            throw ModelErrors.unknownSystemVariable("debug_sync");
        }
        DebugSync.Action now = debugSync.set(s.id, value);
        if (now != null) {
            act(s, now);
        }
    }

    private void syncPoint(ModelSession s, String point) throws SQLException {
        DebugSync.Action action = debugSync.reach(s.id, point);
        if (action != null) {
            act(s, action);
        }
    }

    private void act(ModelSession s, DebugSync.Action action) throws SQLException {
        if (action.signal() != null) {
            debugSync.signal(action.signal());
            changed.signalAll();
        }
        if (action.waitFor() != null) {
            String before = s.state;
            s.state = "debug sync point: " + action.waitFor();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!debugSync.take(action.waitFor())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SQLException("debug sync point wait timed out", "HY000", 1105);
                }
                try {
                    changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw ModelErrors.queryInterrupted();
                }
            }
            s.state = before;
        }
    }

    private Result showVariables(ModelSession s, String like) {
        Pattern p = likePattern(like);
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, String> e : server.variablesSnapshot().entrySet()) {
            if (p.matcher(e.getKey()).matches()) {
                String value = e.getKey().equals("lock_wait_timeout")
                        ? String.valueOf(s.lockWaitTimeoutSeconds)
                        : e.getValue();
                rows.add(List.of(e.getKey(), value));
            }
        }
        return Result.of(List.of("Variable_name", "Value"), rows);
    }

    private Result selectVariable(ModelSession s, ModelStatement st) throws SQLException {
        String scope = st.arg().substring(0, st.arg().indexOf(':'));
        String name = st.arg().substring(st.arg().indexOf(':') + 1);
        if (scope.equals("SESSION") && GLOBAL_ONLY.contains(name)) {
            throw ModelErrors.globalVariable(name);
        }
        String value =
                switch (name) {
                    case "lock_wait_timeout" -> scope.equals("GLOBAL")
                            ? variable(name)
                            : String.valueOf(s.lockWaitTimeoutSeconds);
                    case "gtid_executed" -> binlog().gtidExecuted();
                    default -> variable(name);
                };
        if (value == null) {
            throw ModelErrors.unknownSystemVariable(name);
        }
        String label = "@@" + (scope.isEmpty() ? "" : scope + ".") + name;
        if (st.arg2() != null) {
            return single(label + "=\"" + st.arg2() + "\"", value.equalsIgnoreCase(st.arg2()) ? "1" : "0");
        }
        return single(label, value);
    }

    private Result showMasterStatus(ModelSession s) throws SQLException {
        if (!ModelAccounts.has(privileges(s), "SUPER") && !ModelAccounts.has(privileges(s), "REPLICATION CLIENT")) {
            throw ModelErrors.accessDenied("SUPER, REPLICATION CLIENT");
        }
        List<String> columns = List.of("File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB", "Executed_Gtid_Set");
        if (!binlogOn()) {
            return Result.of(columns, List.of());
        }
        return Result.of(
                columns,
                List.of(List.of(
                        binlog().file(), String.valueOf(binlog().position()), "", "", binlog().gtidExecuted())));
    }

    /**
     * Binlog_snapshot_file/position (Percona's consistent snapshot) and, where the build has it (PS-4464),
     * Binlog_snapshot_gtid_executed: the transaction's snapshot inside START TRANSACTION WITH CONSISTENT
     * SNAPSHOT, else the current position and "not-in-consistent-snapshot".
     */
    private Result showStatus(ModelSession s, String like) {
        Pattern p = likePattern(like);
        Snapshot snap = s.transaction != null && s.transaction.consistent ? s.transaction.snapshot : null;
        Map<String, String> status = new LinkedHashMap<>();
        status.put("Binlog_snapshot_file", snap != null ? snap.binlogFile() : binlogOn() ? binlog().file() : "");
        status.put(
                "Binlog_snapshot_position",
                String.valueOf(snap != null ? snap.binlogPosition() : binlogOn() ? binlog().position() : 0));
        if (snapshotGtid) {
            status.put(
                    "Binlog_snapshot_gtid_executed", snap != null ? snap.gtidExecuted() : "not-in-consistent-snapshot");
        }
        List<List<String>> rows = new ArrayList<>();
        status.forEach((k, v) -> {
            if (p.matcher(k).matches()) {
                rows.add(List.of(k, v));
            }
        });
        return Result.of(List.of("Variable_name", "Value"), rows);
    }

    private Result showBinlogEvents(ModelSession s, String file, long position) throws SQLException {
        if (!ModelAccounts.has(privileges(s), "REPLICATION SLAVE")) {
            throw ModelErrors.accessDenied("REPLICATION SLAVE");
        }
        List<String> columns = List.of("Log_name", "Pos", "Event_type", "Server_id", "End_log_pos", "Info");
        Optional<ModelBinlog.Event> e = binlog().eventAt(file, position);
        return Result.of(
                columns,
                e.map(ev -> List.of(List.of(
                                ev.file(),
                                String.valueOf(ev.position()),
                                ev.type(),
                                "1",
                                String.valueOf(ev.end()),
                                ev.info())))
                        .orElse(List.of()));
    }

    /**
     * performance_schema.log_status (8.0): needs BACKUP_ADMIN. Before 8.0.27-18 (PS-7873) it read the binary
     * log position and gtid_executed under different locks, so a commit between its flush and commit stages
     * shows in the position but not in the set; from 8.0.27-18 the read waits for that commit.
     */
    private Result logStatus(ModelSession s, ModelStatement st) throws SQLException {
        if (generation == Generation.PS_57) {
            throw ModelErrors.noSuchTable("performance_schema", "log_status");
        }
        requirePrivilege(s, "BACKUP_ADMIN");
        List<String> columns = st.arg().trim().equals("*")
                ? List.of("SERVER_UUID", "LOCAL", "REPLICATION", "STORAGE_ENGINES")
                : List.of(st.arg().split("\\s*,\\s*"));
        if (st.arg2() != null) {
            return Result.of(columns, List.of());
        }
        String file = binlog().file();
        long position = binlog().position();
        syncPoint(s, DebugSync.LOG_RESOURCE_GTID_LOCK);
        if (!logStatusLags()) {
            awaitQuietCommits(s);
            file = binlog().file();
            position = binlog().position();
        }
        String local = binlogOn()
                ? "{\"gtid_executed\": \"" + binlog().gtidExecuted() + "\", \"binary_log_file\": \"" + file
                        + "\", \"binary_log_position\": " + position + "}"
                : "{\"gtid_executed\": \"" + binlog().gtidExecuted() + "\"}";
        String replication = server.isReplica()
                ? "{\"channels\": [{\"channel_name\": \"\", \"relay_log_file\": \"relay.000002\", \"relay_log_position\": 4}]}"
                : "{\"channels\": []}";
        String engines =
                "{\"InnoDB\": {\"LSN\": " + binlog().lsn() + ", \"LSN_checkpoint\": " + binlog().lsnCheckpoint() + "}}";
        Map<String, String> all = Map.of(
                "SERVER_UUID",
                variable("server_uuid") == null ? "" : variable("server_uuid"),
                "LOCAL",
                local,
                "REPLICATION",
                replication,
                "STORAGE_ENGINES",
                engines,
                "1",
                "1");
        List<String> row = new ArrayList<>();
        for (String c : columns) {
            String v = all.get(c.toUpperCase(Locale.ROOT));
            if (v == null) {
                throw new SQLException("Unknown column '" + c + "' in 'field list'", "42S22", 1054);
            }
            row.add(v);
        }
        return Result.of(columns, List.of(row));
    }

    /** PS-7873 was fixed in 8.0.27-18. */
    private boolean logStatusLags() {
        Matcher m = PERCONA_BUILD.matcher(String.valueOf(variable("version")));
        if (!m.find()) {
            return false;
        }
        int minor = Integer.parseInt(m.group(2));
        int patch = Integer.parseInt(m.group(3));
        int build = Integer.parseInt(m.group(4));
        return minor == 0 && (patch < 27 || patch == 27 && build < 18);
    }

    // ---- waiting ------------------------------------------------------------------------------------

    /** Waits, showing {@code state} in the PROCESSLIST, until {@code free}; 1205 after lock_wait_timeout, 1317 when killed. */
    private void waitFor(ModelSession s, String state, BooleanSupplier free) throws SQLException {
        waitFor(s, state, free, s.lockWaitTimeoutSeconds);
    }

    private void waitFor(ModelSession s, String state, BooleanSupplier free, long timeoutSeconds) throws SQLException {
        if (free.getAsBoolean()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.min(timeoutSeconds, 1_000_000));
        s.state = state;
        changed.signalAll();
        try {
            while (!free.getAsBoolean()) {
                if (s.killed) {
                    s.killed = false;
                    throw ModelErrors.queryInterrupted();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw ModelErrors.lockWaitTimeout();
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ModelErrors.queryInterrupted();
        } finally {
            s.state = "";
        }
    }

    private void awaitSignal(ModelSession s) throws SQLException {
        try {
            changed.await(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ModelErrors.queryInterrupted();
        }
        if (s.killed) {
            s.killed = false;
            throw ModelErrors.queryInterrupted();
        }
    }

    private boolean noOther(ModelSession s, Held lockKind) {
        return sessions.values().stream().noneMatch(o -> o != s && o.holds(lockKind));
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private ModelSession session(long id) {
        ModelSession s = sessions.get(id);
        if (s == null) {
            throw new IllegalStateException("connection " + id + " is closed");
        }
        return s;
    }

    /**
     * An account created through the model is looked up at each check: backup_locks.inc (8.0) grants
     * BACKUP_ADMIN to a connected session and its next LOCK TABLES FOR BACKUP succeeds.
     */
    private Set<String> privileges(ModelSession s) {
        return accounts.exists(s.user) ? accounts.of(s.user) : s.privileges;
    }

    private void requirePrivilege(ModelSession s, String privilege) throws SQLException {
        if (!ModelAccounts.has(privileges(s), privilege)) {
            throw ModelErrors.accessDenied(privilege);
        }
    }

    private void require57(String near) throws SQLException {
        if (generation == Generation.PS_80) {
            throw ModelErrors.parseError(near);
        }
    }

    private void require80(String near) throws SQLException {
        if (generation == Generation.PS_57) {
            throw ModelErrors.parseError(near);
        }
    }

    private String variable(String name) {
        return server.variablesSnapshot().get(name);
    }

    private long globalLockWaitTimeout() {
        String v = variable("lock_wait_timeout");
        return v == null ? 31_536_000 : Long.parseLong(v);
    }

    private boolean binlogOn() {
        return "ON".equalsIgnoreCase(variable("log_bin"));
    }

    private boolean gtidsOn() {
        return "ON".equalsIgnoreCase(variable("gtid_mode"));
    }

    /** Created on first use, from the coordinates the server was given with {@code binlog(...)}. */
    private ModelBinlog binlog() {
        if (binlog == null) {
            binlog = server.newModelBinlog();
        }
        return binlog;
    }

    /** file:position and, when there is one, the GTID set, as BinlogCoordinates prints them. */
    String binlogNow() {
        lock.lock();
        try {
            String gtids = binlog().gtidExecuted();
            return binlog().file() + ":" + binlog().position() + (gtids.isEmpty() ? "" : " " + gtids);
        } finally {
            lock.unlock();
        }
    }

    private static Pattern likePattern(String like) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < like.length(); i++) {
            char c = like.charAt(i);
            if (c == '\\' && i + 1 < like.length()) {
                regex.append(Pattern.quote(String.valueOf(like.charAt(++i))));
            } else if (c == '%') {
                regex.append(".*");
            } else if (c == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    }

    private static Result single(String column, String value) {
        return Result.of(List.of(column), List.of(List.of(value)));
    }

    /** Forgets the binary log so that the next use starts from the coordinates given with {@code binlog(...)}. */
    void resetBinlog() {
        lock.lock();
        try {
            binlog = null;
        } finally {
            lock.unlock();
        }
    }
}
