package io.github.quiesce.examples;

import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.SessionTimings;
import io.github.quiesce.cli.Json;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.ServerDistribution;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The quickstart: opens a session with {@code auto} and prints one JSON line with the strategy used,
 * the coordinates and the lock timings. Without options it starts an embedded MySQL 8.0.15 and writes
 * a few rows first; with {@code --url jdbc:mysql://... --user U --password-env VAR} it uses that server.
 * Logs go to stderr; stdout carries only the JSON line.
 */
public final class Demo {

    private Demo() {}

    public static void main(String[] args) {
        try {
            System.out.println(run(args));
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            System.err.println(ExampleArgs.usage("demo", "[--strategy NAME]"));
            System.exit(2);
        } catch (RuntimeException e) {
            System.err.println("demo: " + e.getMessage());
            System.exit(1);
        }
    }

    static String run(String[] args) {
        ExampleArgs opts = ExampleArgs.parse(args, "--strategy");
        BackupOptions options = BackupOptions.builder()
                .strategy(opts.get("--strategy", BackupOptions.AUTO))
                .build();
        Optional<DataSource> external = opts.externalServer();
        if (external.isPresent()) {
            return session(external.get(), options);
        }
        try (EmbeddedServer server = EmbeddedServer.start(ServerDistribution.MYSQL_8_0_15)) {
            writeSomeRows(server);
            return session(server.dataSource(), options);
        }
    }

    private static String session(DataSource dataSource, BackupOptions options) {
        BinlogCoordinates c;
        String server;
        String strategy;
        BackupSession s = BackupSession.open(dataSource, options);
        try (s) {
            c = s.coordinates();
            server = s.server().describe();
            strategy = s.strategy();
        }
        SessionTimings t = s.timings();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("server", server);
        json.putAll(Json.coordinates(strategy, c));
        json.put("lockWaitMs", t.lockWaitMillis());
        json.put("lockHeldMs", t.lockHeldMillis());
        return Json.object(json);
    }

    private static void writeSomeRows(EmbeddedServer server) {
        server.execute(
                "CREATE DATABASE IF NOT EXISTS demo",
                "CREATE TABLE IF NOT EXISTS demo.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40)) ENGINE=InnoDB");
        try (Connection c = server.connect();
                Statement st = c.createStatement()) {
            for (int i = 0; i < 10; i++) {
                st.execute("INSERT INTO demo.orders (note) VALUES ('order " + i + "')");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not write demo rows: " + e.getMessage(), e);
        }
    }
}
