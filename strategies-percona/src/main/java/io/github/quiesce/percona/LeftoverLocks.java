package io.github.quiesce.percona;

import io.github.quiesce.BackupSqlException;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.spi.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection from a pool may still hold a FLUSH TABLES WITH READ LOCK someone leaked. LOCK TABLES FOR
 * BACKUP and LOCK BINLOG FOR BACKUP then do nothing and succeed (sql_parse.cc lock_tables_for_backup(): "the
 * global read lock ... is a more restrictive lock"), and the session's UNLOCK TABLES would end the leaked
 * lock. It is refused when performance_schema can show it; where it cannot (5.7's default has the
 * metadata-lock instrument off), nothing is lost for the backup: the global read lock is the stronger one.
 */
final class LeftoverLocks {

    private static final Logger LOG = LoggerFactory.getLogger(LeftoverLocks.class);

    private LeftoverLocks() {}

    static void refuseGlobalReadLock(Sql sql, ServerInfo server) {
        String held;
        try {
            String instrumented = sql.scalar(BackupLockStatements.MDL_INSTRUMENT);
            if (!"YES".equalsIgnoreCase(instrumented)) {
                LOG.debug(
                        "quiesce: wait/lock/metadata/sql/mdl is off on {} (the 5.7 default), so performance_schema.metadata_locks"
                                + " cannot show whether this connection holds a global read lock; not checked",
                        server);
                return;
            }
            held = sql.scalar(BackupLockStatements.OWN_GLOBAL_READ_LOCK);
        } catch (BackupSqlException e) {
            LOG.debug(
                    "quiesce: cannot read this connection's metadata locks on {} ({}); not checked",
                    server,
                    e.getMessage());
            return;
        }
        if (held != null && !held.equals("0")) {
            throw new LockAcquisitionException("The session's connection already holds a global read lock"
                    + " (FLUSH TABLES WITH READ LOCK) on " + server + "; backup locks would silently do nothing."
                    + " The DataSource handed out a connection with a leftover lock: fix the code that leaked it.");
        }
    }
}
