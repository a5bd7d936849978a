package io.github.quiesce.internal;

import io.github.quiesce.BackupSqlException;
import io.github.quiesce.Flavor;
import io.github.quiesce.GaleraNode;
import io.github.quiesce.GaleraState;
import io.github.quiesce.Privileges;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.ServerVersion;
import io.github.quiesce.UnsupportedServerException;
import io.github.quiesce.spi.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns what a server is and can do in four round trips: its variables, the connection's identity,
 * the account's grants, and its replica status; a fifth, {@code SHOW GLOBAL STATUS}, on a Galera node
 * ({@code wsrep_on=ON}: its provider and cluster state) or when a strategy asks for status variables.
 * The result is an immutable {@link ServerInfo}.
 */
final class ServerProbe {

    private static final Logger LOG = LoggerFactory.getLogger(ServerProbe.class);

    /**
     * What every session reads; strategies add theirs ({@link io.github.quiesce.spi.LockStrategy#serverVariables}).
     * Variables that do not exist on a flavour are simply absent from the result (no error).
     */
    static final List<String> VARIABLES = List.of(
            "version",
            "version_comment",
            "log_bin",
            "gtid_mode",
            "read_only",
            "super_read_only",
            "lock_wait_timeout",
            "performance_schema",
            "server_id",
            "server_uuid",
            "hostname",
            "port",
            "wsrep_on",
            "wsrep_desync",
            "pxc_maint_mode");
    /** Read on a server with {@code wsrep_on=ON}, besides {@link GaleraState#STATUS_VARIABLES}: which provider is loaded. */
    static final List<String> GALERA_STATUS = List.of("wsrep_provider_name", "wsrep_provider_version");

    private static final Pattern VARIABLE_NAME = Pattern.compile("[a-z0-9_]{1,64}");
    static final String IDENTITY = "SELECT CONNECTION_ID() AS connection_id, CURRENT_USER() AS account";
    static final String GRANTS = "SHOW GRANTS";

    private ServerProbe() {}

    /** Probes the server behind a connection (which it leaves open and unchanged), with every discovered strategy's variables. */
    public static ServerInfo probe(Connection connection) {
        String endpoint = endpointOf(connection);
        StrategyCatalog catalog =
                StrategyCatalog.discover(Thread.currentThread().getContextClassLoader());
        return probe(
                        new JdbcSql(connection, "probe", endpoint.isEmpty() ? null : endpoint),
                        endpoint,
                        catalog.serverVariables(),
                        catalog.serverStatusVariables())
                .server();
    }

    /** host:port of the connection's URL, never with credentials; "" when the driver will not say. */
    static String endpointOf(Connection connection) {
        try {
            return JdbcUrls.hostAndPort(connection.getMetaData().getURL());
        } catch (SQLException | RuntimeException e) {
            return "";
        }
    }

    /** The server, and the id of the connection it was probed on. */
    record Result(ServerInfo server, long connectionId) {}

    static Result probe(Sql sql, String endpoint, Set<String> strategyVariables) {
        return probe(sql, endpoint, strategyVariables, Set.of());
    }

    static Result probe(Sql sql, String endpoint, Set<String> strategyVariables, Set<String> strategyStatus) {
        Set<String> names = new LinkedHashSet<>(VARIABLES);
        names.addAll(checked(strategyVariables, "server variable"));
        Map<String, String> vars = read(sql, "SHOW VARIABLES", names);
        String versionText = vars.get("version");
        if (versionText == null) {
            throw new UnsupportedServerException("The server at " + endpoint
                    + " did not report @@version: it does not look like MySQL, Percona Server or MariaDB");
        }
        ServerVersion version = parseVersion(versionText, endpoint);
        Flavor flavor = Flavor.detect(versionText, vars.get("version_comment"));

        Map<String, String> identity = sql.firstRow(IDENTITY).orElseThrow();
        long connectionId = Long.parseLong(identity.get("connection_id"));
        String account = identity.get("account");

        Privileges privileges = readPrivileges(sql, account);
        boolean logBin = isOn(vars.get("log_bin"));
        String gtidMode = flavor == Flavor.MARIADB ? (logBin ? "ON" : "OFF") : vars.getOrDefault("gtid_mode", "OFF");
        boolean replica = isReplica(sql, ServerGrammar.replicaStatus(flavor, version));
        Set<String> statusNames = new LinkedHashSet<>(checked(strategyStatus, "status variable"));
        boolean wsrep = isOn(vars.get("wsrep_on"));
        if (wsrep) {
            statusNames.addAll(GaleraState.STATUS_VARIABLES);
            statusNames.addAll(GALERA_STATUS);
        }
        Map<String, String> status = statusNames.isEmpty() ? Map.of() : read(sql, "SHOW GLOBAL STATUS", statusNames);
        GaleraNode galera = wsrep ? galeraNode(flavor, version, vars, status) : null;
        ServerInfo server = new ServerInfo(
                flavor,
                version,
                versionText,
                vars.get("version_comment"),
                endpoint,
                logBin,
                gtidMode,
                isOn(vars.get("read_only")),
                isOn(vars.get("super_read_only")),
                replica,
                privileges,
                vars,
                status,
                galera);
        LOG.debug(
                "Probed {}: log_bin={}, gtid_mode={}, read_only={}, super_read_only={}, replica={}, account={}, privileges={}{}",
                server,
                logBin,
                gtidMode,
                server.readOnly(),
                server.superReadOnly(),
                replica,
                account,
                privileges.known() ? (privileges.allPrivileges() ? "ALL" : privileges.granted()) : "unknown",
                galera == null ? "" : "; " + galera.describe());
        return new Result(server, connectionId);
    }

    private static Set<String> checked(Set<String> names, String what) {
        for (String name : names) {
            if (!VARIABLE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "A strategy asked for a " + what + " quiesce will not read: '" + name + "'");
            }
        }
        return names;
    }

    /** One {@code SHOW [GLOBAL STATUS|VARIABLES] WHERE Variable_name IN (...)}; a name the server lacks is simply absent. */
    private static Map<String, String> read(Sql sql, String show, Set<String> names) {
        Map<String, String> values = new HashMap<>();
        String statement =
                show + " WHERE Variable_name IN (" + String.join(", ", Collections.nCopies(names.size(), "?")) + ")";
        for (Map<String, String> row : sql.rows(statement, names.toArray())) {
            values.put(row.get("Variable_name").toLowerCase(Locale.ROOT), row.get("Value"));
        }
        return values;
    }

    /** A Galera node is a server with {@code wsrep_on} and a provider that reports a local state; null otherwise. */
    private static GaleraNode galeraNode(
            Flavor flavor, ServerVersion version, Map<String, String> vars, Map<String, String> status) {
        GaleraState state;
        try {
            state = GaleraState.of(status).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedServerException(
                    "The Galera status of this server cannot be read: " + e.getMessage(), e);
        }
        if (state == null) {
            return null;
        }
        GaleraNode.Kind kind =
                switch (flavor) {
                    case MARIADB -> GaleraNode.Kind.MARIADB_GALERA;
                        // Percona XtraDB Cluster reports itself as Percona Server ("Percona XtraDB Cluster (GPL)" in
                        // version_comment).
                    case PERCONA -> GaleraNode.Kind.PERCONA_XTRADB_CLUSTER;
                    case MYSQL -> vars.containsKey("pxc_maint_mode")
                            ? GaleraNode.Kind.PERCONA_XTRADB_CLUSTER
                            : GaleraNode.Kind.MYSQL_WSREP;
                };
        return new GaleraNode(
                kind,
                status.get("wsrep_provider_name"),
                status.get("wsrep_provider_version"),
                version,
                isOn(vars.get("wsrep_desync")),
                vars.get("pxc_maint_mode"),
                state);
    }

    private static ServerVersion parseVersion(String versionText, String endpoint) {
        try {
            return ServerVersion.parse(versionText);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedServerException(
                    "The server at " + endpoint + " reports a version quiesce cannot read: '" + versionText + "'", e);
        }
    }

    private static Privileges readPrivileges(Sql sql, String account) {
        try {
            List<String> lines = sql.rows(GRANTS).stream()
                    .map(row -> row.values().iterator().next())
                    .collect(Collectors.toList());
            Privileges p = GrantsParser.parse(account, lines);
            if (!p.known()) {
                LOG.warn(
                        "Account {} gets privileges through roles; quiesce cannot check them up front and will rely on the server's answer",
                        account);
            }
            return p;
        } catch (BackupSqlException e) {
            LOG.warn("Could not read the grants of {} ({}); privilege checks are skipped", account, e.getMessage());
            return Privileges.unknown(account);
        }
    }

    private static boolean isReplica(Sql sql, String replicaStatusStatement) {
        try {
            return sql.firstRow(replicaStatusStatement).isPresent();
        } catch (BackupSqlException e) {
            if (e.vendorCode() == SqlErrors.SPECIFIC_ACCESS_DENIED) {
                LOG.debug(
                        "Cannot run {} without REPLICATION CLIENT/SUPER; assuming the server is not a replica",
                        replicaStatusStatement);
                return false;
            }
            throw e;
        }
    }

    private static boolean isOn(String value) {
        return value != null && (value.equalsIgnoreCase("ON") || value.equals("1") || value.equalsIgnoreCase("YES"));
    }
}
