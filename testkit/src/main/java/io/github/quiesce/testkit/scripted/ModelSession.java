package io.github.quiesce.testkit.scripted;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One connection's state in the Percona model: what it holds, its transaction, what it is doing. */
final class ModelSession {

    /** The locks a connection can hold; their names are the statements that take them. */
    enum Held {
        TABLES_BACKUP_LOCK("LOCK TABLES FOR BACKUP"),
        BINLOG_BACKUP_LOCK("LOCK BINLOG FOR BACKUP"),
        GLOBAL_READ_LOCK("FLUSH TABLES WITH READ LOCK"),
        /** LOCK TABLES t, FLUSH TABLES t WITH READ LOCK, FLUSH TABLES t FOR EXPORT: the server's OPTION_TABLE_LOCK. */
        TABLE_LOCKS("LOCK TABLES"),
        INSTANCE_BACKUP_LOCK("LOCK INSTANCE FOR BACKUP");

        final String statement;

        Held(String statement) {
            this.statement = statement;
        }
    }

    /** A consistent snapshot: InnoDB's read view and, with it, the binary log position it matches. */
    record Snapshot(long sequence, String binlogFile, long binlogPosition, String gtidExecuted) {}

    static final class Transaction {
        /** Null until the first read (or a consistent snapshot) assigns the read view. */
        Snapshot snapshot;

        boolean consistent;
        final List<ModelStatement> pending = new ArrayList<>();
    }

    final long id;
    final String user;
    final Set<String> privileges;
    long lockWaitTimeoutSeconds;
    boolean autocommit = true;
    final Set<Held> held = EnumSet.noneOf(Held.class);
    Transaction transaction;
    final Map<String, ModelTables.Table> temporaryTables = new LinkedHashMap<>();
    /** PROCESSLIST.STATE and INFO. */
    volatile String state = "";

    volatile String info;
    boolean killed;

    ModelSession(long id, String user, Set<String> privileges, long lockWaitTimeoutSeconds) {
        this.id = id;
        this.user = user;
        this.privileges = privileges;
        this.lockWaitTimeoutSeconds = lockWaitTimeoutSeconds;
    }

    boolean holds(Held lock) {
        return held.contains(lock);
    }
}
