package io.github.quiesce;

/**
 * When a session on a Galera node sets {@code wsrep_desync=ON} itself. A desynced node leaves flow control:
 * the other nodes' writers do not wait for it while its lock keeps it from applying. A lock that stops the
 * node's applier without desyncing it (measured on MariaDB 10.11.19: {@code LOCK TABLES t READ} held 1.5 s)
 * stalls every writer of the whole cluster for as long as it is held.
 */
public enum GaleraDesync {
    /**
     * Rely on the server where it desyncs by itself for the strategy's lock (FTWRL everywhere, {@code BACKUP
     * STAGE} on MariaDB with MDEV-23080), desync explicitly where it does not.
     */
    AUTO,
    /**
     * Desync explicitly for the whole session, whatever the lock: the node also stays out of flow control while
     * the caller copies files after {@code coordinates()}, and load balancers that check
     * {@code wsrep_local_state} route clients elsewhere (what pxcbackup does).
     */
    ALWAYS
}
