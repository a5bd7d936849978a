package io.github.quiesce.internal;

import io.github.quiesce.BackupSqlException;
import io.github.quiesce.Flavor;
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
 * the account's grants, and its replica status. The result is an immutable {@link ServerInfo}.
 */
final class ServerProbe {

    private static final Logger LOG = LoggerFactory.getLogger(ServerProbe.class);

    /**
     * What every session reads; strategies add theirs ({@link io.github.quiesce.spi.LockStrategy#serverVariables}).
     * Variables that do not exist on a flavour are simply absent from the result (no error).
     */
    static final List<String> VARIABLES = List.of("version", "version_comment", "log_bin", "gtid_mode", "read_only",
            "super_read_only", "lock_wait_timeout", "performance_schema", "server_id", "server_uuid", "hostname", "port");
    private static final Pattern VARIABLE_NAME = Pattern.compile("[a-z0-9_]{1,64}");
    static final String IDENTITY = "SELECT CONNECTION_ID() AS connection_id, CURRENT_USER() AS account";
    static final String GRANTS = "SHOW GRANTS";

    private ServerProbe() {
    }

    /** Probes the server behind a connection (which it leaves open and unchanged), with every discovered strategy's variables. */
    public static ServerInfo probe(Connection connection) {
        String endpoint = endpointOf(connection);
        Set<String> variables = StrategyCatalog.discover(Thread.currentThread().getContextClassLoader()).serverVariables();
        return probe(new JdbcSql(connection, "probe", endpoint.isEmpty() ? null : endpoint), endpoint, variables).server();
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
    record Result(ServerInfo server, long connectionId) {
    }

    static Result probe(Sql sql, String endpoint, Set<String> strategyVariables) {
        Map<String, String> vars = new HashMap<>();
        Set<String> names = new LinkedHashSet<>(VARIABLES);
        for (String name : strategyVariables) {
            if (!VARIABLE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("A strategy asked for a server variable quiesce will not read: '" + name + "'");
            }
            names.add(name);
        }
        String statement = "SHOW VARIABLES WHERE Variable_name IN (" + String.join(", ", Collections.nCopies(names.size(), "?")) + ")";
        for (Map<String, String> row : sql.rows(statement, names.toArray())) {
            vars.put(row.get("Variable_name").toLowerCase(Locale.ROOT), row.get("Value"));
        }
        String versionText = vars.get("version");
        if (versionText == null) {
            throw new UnsupportedServerException("The server at " + endpoint + " did not report @@version: it does not look like MySQL, Percona Server or MariaDB");
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
        ServerInfo server = new ServerInfo(flavor, version, versionText, vars.get("version_comment"), endpoint, logBin,
                gtidMode, isOn(vars.get("read_only")), isOn(vars.get("super_read_only")), replica, privileges, vars);
        LOG.debug("Probed {}: log_bin={}, gtid_mode={}, read_only={}, super_read_only={}, replica={}, account={}, privileges={}",
                server, logBin, gtidMode, server.readOnly(), server.superReadOnly(), replica, account,
                privileges.known() ? (privileges.allPrivileges() ? "ALL" : privileges.granted()) : "unknown");
        return new Result(server, connectionId);
    }

    private static ServerVersion parseVersion(String versionText, String endpoint) {
        try {
            return ServerVersion.parse(versionText);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedServerException("The server at " + endpoint + " reports a version quiesce cannot read: '" + versionText + "'", e);
        }
    }

    private static Privileges readPrivileges(Sql sql, String account) {
        try {
            List<String> lines = sql.rows(GRANTS).stream()
                    .map(row -> row.values().iterator().next())
                    .collect(Collectors.toList());
            Privileges p = GrantsParser.parse(account, lines);
            if (!p.known()) {
                LOG.warn("Account {} gets privileges through roles; quiesce cannot check them up front and will rely on the server's answer", account);
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
                LOG.debug("Cannot run {} without REPLICATION CLIENT/SUPER; assuming the server is not a replica", replicaStatusStatement);
                return false;
            }
            throw e;
        }
    }

    private static boolean isOn(String value) {
        return value != null && (value.equalsIgnoreCase("ON") || value.equals("1") || value.equalsIgnoreCase("YES"));
    }
}
