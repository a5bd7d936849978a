package io.github.quiesce;

import io.github.quiesce.internal.ServerGrammar;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What one probe learned about the server: flavour, version, capabilities, replication state and the
 * account's privileges. Immutable; strategies decide from its behaviour methods
 * ({@link #hasInstanceLock()}, {@link #hasBackupStage()} ...) rather than from flavour/version checks of their own.
 *
 * @param flavor           MySQL, Percona Server or MariaDB
 * @param version          parsed version
 * @param versionText      {@code @@version} as printed by the server
 * @param versionComment   {@code @@version_comment}
 * @param endpoint         host:port the session is connected to (never with credentials)
 * @param binaryLogEnabled {@code @@log_bin}
 * @param gtidMode         {@code @@gtid_mode} on MySQL/Percona; "ON" on MariaDB when the binlog is on (it always logs GTIDs)
 * @param readOnly         {@code @@read_only}
 * @param superReadOnly    {@code @@super_read_only} (false where the server has no such variable)
 * @param replica          whether replication is configured on this server (replica status is not empty)
 * @param privileges       the account's global privileges
 * @param variables        the raw variables the probe read, lower-case names
 * @param status           the status variables the probe read ({@code SHOW GLOBAL STATUS}), lower-case names; those a
 *                         strategy asked for ({@link io.github.quiesce.spi.LockStrategy#serverStatusVariables}) and, on a
 *                         Galera node, the {@code wsrep_*} ones of {@link GaleraState}
 * @param galeraNode       the node's Galera identity and state, or null when the server is not a Galera node
 *                         (see {@link #galera()})
 */
public record ServerInfo(
        Flavor flavor,
        ServerVersion version,
        String versionText,
        String versionComment,
        String endpoint,
        boolean binaryLogEnabled,
        String gtidMode,
        boolean readOnly,
        boolean superReadOnly,
        boolean replica,
        Privileges privileges,
        Map<String, String> variables,
        Map<String, String> status,
        GaleraNode galeraNode) {

    /** A server probed without status variables, which is not a Galera node. */
    public ServerInfo(
            Flavor flavor,
            ServerVersion version,
            String versionText,
            String versionComment,
            String endpoint,
            boolean binaryLogEnabled,
            String gtidMode,
            boolean readOnly,
            boolean superReadOnly,
            boolean replica,
            Privileges privileges,
            Map<String, String> variables) {
        this(
                flavor,
                version,
                versionText,
                versionComment,
                endpoint,
                binaryLogEnabled,
                gtidMode,
                readOnly,
                superReadOnly,
                replica,
                privileges,
                variables,
                Map.of(),
                null);
    }

    public ServerInfo {
        Objects.requireNonNull(flavor, "flavor");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(versionText, "versionText");
        versionComment = versionComment == null ? "" : versionComment;
        endpoint = endpoint == null ? "" : endpoint;
        gtidMode = gtidMode == null ? "OFF" : gtidMode;
        Objects.requireNonNull(privileges, "privileges");
        variables = Map.copyOf(variables);
        status = status == null ? Map.of() : Map.copyOf(status);
    }

    /** e.g. "MySQL 8.0.15", "MariaDB 11.4.5" or "MariaDB 10.11.19 (MariaDB Galera node)". */
    public String describe() {
        return flavor.displayName() + " " + version
                + (galeraNode == null ? "" : " (" + galeraNode.kind().displayName() + " node)");
    }

    /** The server is a node of a Galera cluster: what it is and its state when probed. */
    public Optional<GaleraNode> galera() {
        return Optional.ofNullable(galeraNode);
    }

    public boolean isGalera() {
        return galeraNode != null;
    }

    public boolean isMariaDb() {
        return flavor == Flavor.MARIADB;
    }

    /** MySQL-compatible GTIDs ({@code uuid:1-N}); MariaDB's are {@code domain-server-seq}. */
    public boolean usesMysqlGtids() {
        return flavor != Flavor.MARIADB;
    }

    public boolean gtidEnabled() {
        return "ON".equalsIgnoreCase(gtidMode);
    }

    public boolean has(Privilege privilege) {
        return privileges.has(privilege);
    }

    /** {@code LOCK INSTANCE FOR BACKUP}: MySQL and Percona Server 8.0 and later. */
    public boolean hasInstanceLock() {
        return flavor != Flavor.MARIADB && version.atLeast(8, 0, 0);
    }

    /**
     * {@code performance_schema.log_status}: MySQL and Percona Server 8.0.11 (the first 8.0 GA) and later.
     * MySQL 8.0.12 has it (read here with the instance lock contract), which an 8.0.14 bound had refused.
     */
    public boolean hasLogStatus() {
        return flavor != Flavor.MARIADB && version.atLeast(8, 0, 11);
    }

    /** {@code BACKUP STAGE}: MariaDB 10.4 and later. */
    public boolean hasBackupStage() {
        return flavor == Flavor.MARIADB && version.atLeast(10, 4, 0);
    }

    /**
     * Whether a table flush ({@code FLUSH TABLES}, FTWRL) waits for every statement that has a table open
     * and meanwhile makes each new statement on that table wait for the flush, until the old statement
     * ends, even after the flush itself was cancelled. Measured here with a 3 s SELECT and the flush
     * cancelled after 300 ms: writers waited 2.9 s on MySQL 8.0.15 (the issue tracker has 3.9 to 4.9 s
     * on MySQL 5.7.22, 8.0.12 and MariaDB 10.2.11); 11 ms on MariaDB 11.4.5, and never on 10.11.5, since
     * MariaDB dropped the table refresh version (MDEV-17882, 10.4). MariaDB 10.4 to 10.10 are not
     * measured and are treated as waiting.
     */
    public boolean tableFlushWaitsForStatements() {
        return flavor != Flavor.MARIADB || version.before(10, 11, 0);
    }

    /**
     * Whether SUPER still grants what MariaDB 11.0.1 moved to finer privileges only (MDEV-29668): on
     * MariaDB 11.4.5 an account with SUPER alone was refused SHOW MASTER STATUS and SHOW SLAVE STATUS
     * (it needs BINLOG MONITOR and SLAVE MONITOR), while 10.11.5 allowed both.
     */
    private boolean superIncludesMonitoring() {
        return flavor != Flavor.MARIADB || version.before(11, 0, 1);
    }

    /** Any one of these lets an account run {@link #binaryLogStatusStatement()} (MariaDB 10.5+ prints REPLICATION CLIENT as BINLOG MONITOR). */
    public Set<Privilege> binaryLogStatusPrivileges() {
        return superIncludesMonitoring()
                ? EnumSet.of(Privilege.REPLICATION_CLIENT, Privilege.SUPER)
                : EnumSet.of(Privilege.REPLICATION_CLIENT);
    }

    /**
     * Any one of these lets an account run {@link #replicaStatusStatement()}. MariaDB took it from
     * REPLICATION CLIENT in 10.5.2 (BINLOG MONITOR, its new name, no longer allows it; REPLICATION SLAVE
     * ADMIN did until 10.5.9 brought SLAVE MONITOR), as 10.11.5 and 11.4.5 answered here.
     */
    public Set<Privilege> replicaStatusPrivileges() {
        Set<Privilege> any = EnumSet.noneOf(Privilege.class);
        if (flavor != Flavor.MARIADB || version.before(10, 5, 2)) {
            any.add(Privilege.REPLICATION_CLIENT);
        } else if (version.before(10, 5, 9)) {
            any.add(Privilege.REPLICATION_SLAVE_ADMIN);
        } else {
            any.add(Privilege.REPLICA_MONITOR);
        }
        if (superIncludesMonitoring()) {
            any.add(Privilege.SUPER);
        }
        return any;
    }

    /**
     * Any one of these lets an account {@code SET GLOBAL read_only}: SUPER, or its split-off
     * SYSTEM_VARIABLES_ADMIN (MySQL 8) or READ_ONLY ADMIN (MariaDB 10.5.2+). MariaDB 10.11.0 took
     * READ_ONLY ADMIN out of SUPER: on 10.11.5 an account with SUPER alone was refused.
     */
    public Set<Privilege> readOnlyPrivileges() {
        if (flavor != Flavor.MARIADB) {
            return EnumSet.of(Privilege.SUPER, Privilege.SYSTEM_VARIABLES_ADMIN);
        }
        return version.before(10, 11, 0)
                ? EnumSet.of(Privilege.SUPER, Privilege.READ_ONLY_ADMIN)
                : EnumSet.of(Privilege.READ_ONLY_ADMIN);
    }

    /** The statement that prints the binary log file and position on this server. */
    public String binaryLogStatusStatement() {
        return ServerGrammar.binaryLogStatus(flavor, version);
    }

    /** The statement that prints this server's replica status, one row per source (channel or connection). */
    public String replicaStatusStatement() {
        return ServerGrammar.replicaStatus(flavor, version);
    }

    /**
     * A name for this server that is the same from every client and across restarts: {@code server_uuid}
     * where the server has one, else {@code hostname:port/server_id}. Names the session journal.
     */
    public String identity() {
        return variable("server_uuid")
                .filter(u -> !u.isBlank())
                .orElseGet(() -> variable("hostname").orElse("unknown") + ":"
                        + variable("port").orElse("0") + "/"
                        + variable("server_id").orElse("0"));
    }

    /** A variable the probe read, by its lower-case name. */
    public Optional<String> variable(String name) {
        return Optional.ofNullable(variables.get(name.toLowerCase(Locale.ROOT)));
    }

    /** A status variable the probe read ({@code SHOW GLOBAL STATUS}), by its lower-case name. */
    public Optional<String> status(String name) {
        return Optional.ofNullable(status.get(name.toLowerCase(Locale.ROOT)));
    }

    /** True when the variable reads YES, ON or 1. */
    public boolean isYes(String variable) {
        return variable(variable)
                .map(v -> v.equalsIgnoreCase("YES") || v.equalsIgnoreCase("ON") || v.equals("1"))
                .orElse(false);
    }

    @Override
    public String toString() {
        return describe() + (endpoint.isEmpty() ? "" : " at " + endpoint);
    }
}
