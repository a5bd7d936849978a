package io.github.quiesce;

import java.util.Objects;

/**
 * A server that is a node of a Galera cluster (MariaDB Galera Cluster, Percona XtraDB Cluster, MySQL-wsrep),
 * as the probe found it: which build, what the server does on its own when a backup lock is taken, and its
 * state in the cluster at that moment. Strategies decide from the behaviour methods, never from the kind.
 *
 * @param kind            which wsrep server this is
 * @param provider        {@code wsrep_provider_name}, e.g. {@code Galera}
 * @param providerVersion {@code wsrep_provider_version}, e.g. {@code 4.23(rXXXX)}
 * @param serverVersion   the server's own version (what the behaviour methods depend on)
 * @param desyncSet       {@code @@wsrep_desync} was ON when probed: someone desynced the node on purpose
 * @param maintenanceMode {@code @@pxc_maint_mode} on Percona XtraDB Cluster ({@code DISABLED}, {@code MAINTENANCE},
 *                        {@code SHUTDOWN}); empty elsewhere
 * @param state           the node's cluster state when probed; see {@link GaleraState}
 */
public record GaleraNode(
        Kind kind,
        String provider,
        String providerVersion,
        ServerVersion serverVersion,
        boolean desyncSet,
        String maintenanceMode,
        GaleraState state) {

    /** Which server build carries the wsrep API. */
    public enum Kind {
        MARIADB_GALERA("MariaDB Galera"),
        PERCONA_XTRADB_CLUSTER("Percona XtraDB Cluster"),
        /** Codership's MySQL-wsrep, or a build quiesce cannot tell apart. */
        MYSQL_WSREP("MySQL-wsrep");

        private final String displayName;

        Kind(String displayName) {
            this.displayName = displayName;
        }

        public String displayName() {
            return displayName;
        }
    }

    public GaleraNode {
        Objects.requireNonNull(kind, "kind");
        provider = provider == null ? "" : provider;
        providerVersion = providerVersion == null ? "" : providerVersion;
        Objects.requireNonNull(serverVersion, "serverVersion");
        maintenanceMode = maintenanceMode == null ? "" : maintenanceMode;
        Objects.requireNonNull(state, "state");
    }

    /**
     * {@code FLUSH TABLES WITH READ LOCK} desyncs the node and pauses its provider by itself: the cluster goes
     * on without it (no flow control from this node) and it applies nothing while the lock is held, so
     * {@code wsrep_last_committed} stands still and matches the data. True on every wsrep build: measured on
     * MariaDB 10.11.19 with galera-4 ({@code Donor/Desynced} at once, seqno fixed under the lock); Percona
     * documents it for PXC ("FLUSH and LOCK handling in Percona XtraDB Cluster", 2018).
     */
    public boolean globalReadLockDesyncsAndPauses() {
        return true;
    }

    /**
     * {@code BACKUP STAGE BLOCK_DDL} desyncs and pauses the node by itself (MDEV-23080, in MariaDB 10.4.22,
     * 10.5.13, 10.6.5 and later): applier threads bypass backup locks, so the server stops them this way.
     * The price: from {@code BLOCK_DDL} to {@code END} the node commits nothing, its own clients' writes
     * included. Before those versions the stages do not desync, and a strategy must do it itself.
     */
    public boolean backupStageDesyncsAndPauses() {
        if (kind != Kind.MARIADB_GALERA) {
            return false;
        }
        ServerVersion v = serverVersion;
        return v.atLeast(10, 6, 5)
                || (v.atLeast(10, 5, 13) && v.before(10, 6, 0))
                || (v.atLeast(10, 4, 22) && v.before(10, 5, 0));
    }

    /**
     * Whether Percona's and MySQL's backup locks ({@code LOCK INSTANCE FOR BACKUP}, {@code LOCK TABLES FOR BACKUP})
     * desync and pause the node as FTWRL does. They do not, on any build: a DDL replicated from another node
     * then waits for the lock in this node's applier, which stalls the cluster through flow control unless the
     * node is desynced, and an FTWRL taken after such a lock can deadlock with that DDL (PXC-4799; PXC 8.0 now
     * refuses it, PXC-5203 extends that to {@code LOCK TABLES FOR BACKUP}). Nor do they stop the applier, so
     * {@code wsrep_last_committed} never stands still at the binary log point they read.
     */
    public boolean backupLocksPauseTheNode() {
        return false;
    }

    /**
     * Whether {@code LOCK TABLES ... READ} desyncs or pauses the node. It does neither: the node's applier stops at
     * the first replicated write to a locked table, and flow control then stalls every writer of the cluster for
     * as long as the lock is held (measured on MariaDB 10.11.19: {@code LOCK TABLES t READ} held 1.5 s on node 1,
     * node 2's writers waited 1,487 ms). Percona XtraDB Cluster's default {@code pxc_strict_mode=ENFORCING}
     * refuses explicit table locks outright.
     */
    public boolean tableLocksPauseTheNode() {
        return false;
    }

    /** {@code pxc_maint_mode=SHUTDOWN}: the node is on its way down; a backup started now would be cut short. */
    public boolean shuttingDown() {
        return maintenanceMode.equalsIgnoreCase("SHUTDOWN");
    }

    /** e.g. {@code MariaDB Galera node, Galera 4.23(rXXXX): Synced, 0 write-sets queued, Primary component of 2 nodes}. */
    public String describe() {
        return kind.displayName() + " node, " + (provider.isEmpty() ? "wsrep" : provider)
                + (providerVersion.isEmpty() ? "" : " " + providerVersion)
                + ": " + state.describe() + (desyncSet ? " (wsrep_desync=ON)" : "")
                + (maintenanceMode.isEmpty() || maintenanceMode.equalsIgnoreCase("DISABLED")
                        ? ""
                        : " (pxc_maint_mode=" + maintenanceMode + ")");
    }
}
