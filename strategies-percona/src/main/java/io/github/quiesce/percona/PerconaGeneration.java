package io.github.quiesce.percona;

import io.github.quiesce.Privilege;
import io.github.quiesce.ServerInfo;

/**
 * The Percona Server lines whose backup locks differ. Behaviour is asked of the generation, never
 * derived from version numbers in the strategy.
 */
public enum PerconaGeneration {
    /** 5.6.16 and later: LOCK TABLES / LOCK BINLOG FOR BACKUP under RELOAD. */
    PS_56,
    /** 5.7: as 5.6. */
    PS_57,
    /** 8.0: LOCK TABLES FOR BACKUP only (no binlog lock), BACKUP_ADMIN from 8.0.13-4, performance_schema.log_status. */
    PS_80;

    /** The generation of a Percona Server (8.0 stands for 8.0 and later lines, which kept its backup locks). */
    public static PerconaGeneration of(ServerInfo server) {
        if (server.version().atLeast(8, 0, 0)) {
            return PS_80;
        }
        return server.version().atLeast(5, 7, 0) ? PS_57 : PS_56;
    }

    /** LOCK BINLOG FOR BACKUP was never ported to 8.0 (its grammar has no such statement). */
    public boolean hasBinlogLock() {
        return this != PS_80;
    }

    /**
     * What LOCK TABLES FOR BACKUP checks: RELOAD on 5.x and on 8.0 before 8.0.13-4, then BACKUP_ADMIN, and
     * RELOAD alone no longer does (backup_locks.inc, "8.0: LOCK TABLES FOR BACKUP should require BACKUP_ADMIN").
     */
    public static Privilege backupLockPrivilege(ServerInfo server) {
        return server.version().atLeast(8, 0, 13) ? Privilege.BACKUP_ADMIN : Privilege.RELOAD;
    }

    /**
     * ER_CANT_EXECUTE_WITH_BACKUP_LOCK has a fixed number only on 8.0, where Percona's own errors start at
     * 7000. On 5.x Percona appends it after the upstream messages of each release, so its number moves:
     * 3234 in 5.7.22, and the 5.7.24 merge added ER_CANT_OPEN_ERROR_LOG ahead of it.
     */
    public boolean conflictingBackupLockHasFixedNumber() {
        return this == PS_80;
    }

    /**
     * Whether {@code wait/lock/metadata/sql/mdl} is on in a default configuration: from 8.0; 5.7 ships it
     * off, and then performance_schema.metadata_locks shows no lock at all.
     */
    public boolean metadataLocksInstrumentedByDefault() {
        return this == PS_80;
    }
}
