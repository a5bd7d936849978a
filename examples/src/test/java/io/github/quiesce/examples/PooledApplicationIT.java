package io.github.quiesce.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.EmbeddedServers;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerDistribution;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Example 4 on a real MySQL 8.0.15: the session taken from the application's pool, the pool healthy afterwards. */
class PooledApplicationIT {

    private final EmbeddedServer server = EmbeddedServers.shared(ServerDistribution.MYSQL_8_0_15);

    @ParameterizedTest
    @ValueSource(strings = {"auto", "ftwrl"})
    void thePoolServesRequestsThroughoutAndGetsEveryConnectionBackClean(String strategy) throws Exception {
        try (HikariDataSource pool = PooledApplication.pool(server.jdbcUrl(), "root", "", 4)) {
            PooledApplication.Result r = PooledApplication.run(
                    pool, BackupOptions.builder().strategy(strategy).build());

            assertThat(r.strategy()).isEqualTo(strategy.equals("auto") ? "mysql-instance-lock" : "ftwrl");
            assertThat(r.requestErrors()).isEmpty();
            assertThat(r.activeAfter()).as("no connection left borrowed").isZero();
            assertThat(r.totalAfter()).isLessThanOrEqualTo(4);
            assertThat(ServerChecks.globalMetadataLocks(server)).isZero();

            // Borrow every connection the pool can hand out at once: each must carry the server's defaults, not the
            // session's settings.
            List<Connection> all = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    all.add(pool.getConnection());
                }
                for (Connection c : all) {
                    try (Statement st = c.createStatement();
                            ResultSet rs = st.executeQuery(
                                    "SELECT @@SESSION.lock_wait_timeout = @@GLOBAL.lock_wait_timeout, @@SESSION.autocommit")) {
                        rs.next();
                        assertThat(rs.getInt(1))
                                .as("lock_wait_timeout back to the server default")
                                .isEqualTo(1);
                        assertThat(rs.getInt(2))
                                .as("autocommit as the pool hands it out")
                                .isEqualTo(1);
                    }
                }
            } finally {
                for (Connection c : all) {
                    c.close();
                }
            }
            assertThat(ServerChecks.completesWithin(
                            server, "INSERT INTO quiesce_app.requests (worker) VALUES (99)", 2_000))
                    .isTrue();
        }
    }
}
