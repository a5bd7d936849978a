package io.github.quiesce.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.GaleraNode;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.spi.Sql;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The probe's status read: only when a strategy asks for status or the server runs wsrep, and a Galera node only with a provider. */
class ServerProbeTest {

    /** Answers the probe's statements from two maps, honouring the IN list; records what ran. */
    static final class FakeSql implements Sql {
        final Map<String, String> variables = new HashMap<>();
        final Map<String, String> status = new HashMap<>();
        final List<String> ran = new ArrayList<>();

        @Override
        public Sql as(String owner) {
            return this;
        }

        @Override
        public String server() {
            return "fake";
        }

        @Override
        public void execute(String statement) {
            ran.add(statement);
        }

        @Override
        public void execute(String statement, Object... parameters) {
            ran.add(statement);
        }

        @Override
        public List<Map<String, String>> rows(String statement, Object... parameters) {
            ran.add(statement);
            Map<String, String> source = statement.startsWith("SHOW VARIABLES")
                    ? variables
                    : statement.startsWith("SHOW GLOBAL STATUS") ? status : null;
            List<Map<String, String>> out = new ArrayList<>();
            if (source != null) {
                for (Object p : parameters) {
                    String v = source.get((String) p);
                    if (v != null) {
                        Map<String, String> row = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                        row.put("Variable_name", (String) p);
                        row.put("Value", v);
                        out.add(row);
                    }
                }
            } else if (statement.equals(ServerProbe.IDENTITY)) {
                Map<String, String> row = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                row.put("connection_id", "7");
                row.put("account", "root@localhost");
                out.add(row);
            } else if (statement.equals(ServerProbe.GRANTS)) {
                out.add(Map.of("Grants", "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"));
            }
            return out;
        }

        @Override
        public Optional<Map<String, String>> firstRow(String statement, Object... parameters) {
            return rows(statement, parameters).stream().findFirst();
        }

        @Override
        public String scalar(String statement, Object... parameters) {
            return firstRow(statement, parameters)
                    .map(r -> r.values().iterator().next())
                    .orElse(null);
        }
    }

    static FakeSql mariadb() {
        FakeSql sql = new FakeSql();
        sql.variables.put("version", "10.11.19-MariaDB-0+deb12u1-log");
        sql.variables.put("version_comment", "Debian 12");
        sql.variables.put("log_bin", "ON");
        return sql;
    }

    @Test
    void aServerWithoutWsrepAndNoStrategyStatusGetsNoStatusRead() {
        FakeSql sql = mariadb();
        ServerInfo server =
                ServerProbe.probe(sql, "db:3306", Set.of(), Set.of()).server();
        assertThat(sql.ran).noneMatch(s -> s.startsWith("SHOW GLOBAL STATUS"));
        assertThat(server.galera()).isEmpty();
        assertThat(server.describe()).isEqualTo("MariaDB 10.11.19");
    }

    @Test
    void statusAStrategyAsksForIsReadInOneStatement() {
        FakeSql sql = mariadb();
        sql.status.put("uptime", "42");
        ServerInfo server = ServerProbe.probe(sql, "db:3306", Set.of(), Set.of("uptime", "threads_running"))
                .server();
        assertThat(sql.ran.stream().filter(s -> s.startsWith("SHOW GLOBAL STATUS")))
                .hasSize(1);
        assertThat(server.status("Uptime")).contains("42");
        assertThat(server.status("threads_running")).isEmpty();
        assertThat(server.galera()).isEmpty();
    }

    @Test
    void wsrepWithAProviderMakesAGaleraNode() {
        FakeSql sql = mariadb();
        sql.variables.put("wsrep_on", "ON");
        sql.variables.put("wsrep_desync", "OFF");
        sql.status.putAll(Map.of(
                "wsrep_cluster_status",
                "Primary",
                "wsrep_cluster_size",
                "2",
                "wsrep_local_state",
                "4",
                "wsrep_local_state_comment",
                "Synced",
                "wsrep_local_recv_queue",
                "3",
                "wsrep_ready",
                "ON",
                "wsrep_local_state_uuid",
                "58338d84-e646-11f1-9400-ba8ebf84b74e",
                "wsrep_last_committed",
                "4"));
        sql.status.put("wsrep_provider_name", "Galera");
        sql.status.put("wsrep_provider_version", "4.23(rXXXX)");
        ServerInfo server =
                ServerProbe.probe(sql, "db:3306", Set.of(), Set.of()).server();
        GaleraNode node = server.galera().orElseThrow();
        assertThat(node.kind()).isEqualTo(GaleraNode.Kind.MARIADB_GALERA);
        assertThat(node.describe())
                .isEqualTo(
                        "MariaDB Galera node, Galera 4.23(rXXXX): Synced, 3 write-sets queued, Primary component of 2 nodes");
        assertThat(server.describe()).isEqualTo("MariaDB 10.11.19 (MariaDB Galera node)");
    }

    @Test
    void wsrepOnWithoutAProviderIsNoGaleraNode() {
        FakeSql sql = mariadb();
        sql.variables.put("wsrep_on", "ON");
        ServerInfo server =
                ServerProbe.probe(sql, "db:3306", Set.of(), Set.of()).server();
        assertThat(server.galera()).isEmpty();
    }
}
