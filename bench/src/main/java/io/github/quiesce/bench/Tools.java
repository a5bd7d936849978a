package io.github.quiesce.bench;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The flows compared. Peers are reproduced with plain JDBC exactly as their manuals and code issue them
 * (see ../shared/anchors.md), or, for mariadb-dump, by running the real client.
 */
final class Tools {

    static final String NONE = "no backup";

    private Tools() {}

    /** Every tool, peers first; each says where it applies. */
    static List<Tool> all() {
        return List.of(
                none(),
                raw("raw FTWRL", t -> true, "FLUSH TABLES WITH READ LOCK", "@status", "UNLOCK TABLES"),
                raw(
                        "FTWRL after pre-flush",
                        t -> true,
                        "FLUSH NO_WRITE_TO_BINLOG TABLES",
                        "FLUSH TABLES WITH READ LOCK",
                        "@status",
                        "UNLOCK TABLES"),
                mariadbDump(),
                raw(
                        "raw LOCK INSTANCE + log_status",
                        t -> !t.isMariaDb(),
                        "LOCK INSTANCE FOR BACKUP",
                        "SELECT * FROM performance_schema.log_status",
                        "UNLOCK INSTANCE"),
                raw(
                        "raw BACKUP STAGE",
                        Target::isMariaDb,
                        "BACKUP STAGE START",
                        "BACKUP STAGE FLUSH",
                        "BACKUP STAGE BLOCK_DDL",
                        "BACKUP STAGE BLOCK_COMMIT",
                        "@status",
                        "BACKUP STAGE END"),
                quiesce("auto", t -> true),
                quiesce("ftwrl", t -> true),
                quiesce("mysql-instance-lock", t -> !t.isMariaDb()),
                quiesce("mariadb-backup-stage", Target::isMariaDb));
    }

    /** The writers' own latency with nothing running: the floor every figure is read against. */
    static Tool none() {
        return new Tool() {
            public String name() {
                return NONE;
            }

            public boolean appliesTo(Target target) {
                return true;
            }

            public Outcome run(Target target) throws InterruptedException {
                Thread.sleep(300);
                return Outcome.wholeRun(0);
            }
        };
    }

    interface Applies {
        boolean test(Target t);
    }

    /** Statements on one connection; {@code @status} reads the binary log status as the server spells it. */
    static Tool raw(String name, Applies applies, String... statements) {
        return new Tool() {
            public String name() {
                return name;
            }

            public boolean appliesTo(Target target) {
                return applies.test(target);
            }

            public Outcome run(Target target) throws SQLException {
                int sent = 0;
                try (Connection c = target.server().connect();
                        Statement st = c.createStatement()) {
                    for (String s : statements) {
                        if (s.equals("@status")) {
                            drain(st, "SHOW MASTER STATUS");
                            sent++;
                            if (target.isMariaDb()) {
                                drain(st, "SELECT @@GLOBAL.gtid_binlog_pos");
                                sent++;
                            }
                        } else {
                            st.execute(s);
                            sent++;
                        }
                    }
                }
                return Outcome.wholeRun(sent);
            }
        };
    }

    private static void drain(Statement st, String query) throws SQLException {
        try (ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                rs.getString(1);
            }
        }
    }

    /** A quiesce session with default options but the strategy; counts its statements through a listener. */
    static Tool quiesce(String strategy, Applies applies) {
        return quiesce("quiesce " + strategy, strategy, applies, 0, false);
    }

    /** A session that opens {@code n} snapshot connections, prepared before the lock or taken under it. */
    static Tool quiesceSnapshots(String strategy, int n, boolean prepared) {
        return quiesce(
                "quiesce " + strategy + ", " + n + " snapshots " + (prepared ? PREPARED : UNDER_THE_LOCK),
                strategy,
                t -> true,
                n,
                prepared);
    }

    static final String PREPARED = "prepared";
    static final String UNDER_THE_LOCK = "taken under the lock";

    private static Tool quiesce(String name, String strategy, Applies applies, int snapshots, boolean prepared) {
        return new Tool() {
            public String name() {
                return name;
            }

            public boolean appliesTo(Target target) {
                return applies.test(target);
            }

            public Outcome run(Target target) throws SQLException {
                AtomicInteger statements = new AtomicInteger();
                AtomicLong requested = new AtomicLong();
                AtomicLong released = new AtomicLong();
                BackupOptions options = BackupOptions.builder()
                        .strategy(strategy)
                        .listener(e -> {
                            if (e instanceof BackupEvent.StatementExecuted) {
                                statements.incrementAndGet();
                            } else if (e instanceof BackupEvent.LockRequested) {
                                requested.set(System.nanoTime());
                            } else if (e instanceof BackupEvent.LockReleased) {
                                released.set(System.nanoTime());
                            }
                        })
                        .prepareSnapshots(prepared ? snapshots : 0)
                        .build();
                List<Connection> workers = List.of();
                try (BackupSession s = BackupSession.open(target.server().dataSource(), options)) {
                    workers = snapshots > 0 ? s.snapshotConnections(snapshots) : List.of();
                    s.coordinates();
                } finally {
                    for (Connection c : workers) {
                        c.close();
                    }
                }
                return new Outcome(statements.get(), requested.get(), released.get());
            }
        };
    }

    /** The real client: FLUSH TABLES, FTWRL, snapshot, SHOW MASTER STATUS, UNLOCK, then the (tiny) dump. */
    static Tool mariadbDump() {
        return new Tool() {
            public String name() {
                return "mariadb-dump --single-transaction --master-data=2";
            }

            public boolean appliesTo(Target target) {
                return target.dumpBinary() != null;
            }

            public Outcome run(Target target) throws IOException, InterruptedException {
                ProcessBuilder pb = new ProcessBuilder(
                                target.dumpBinary().toString(),
                                "--no-defaults",
                                "--skip-ssl",
                                "--single-transaction",
                                "--master-data=2",
                                "-h",
                                "127.0.0.1",
                                "-P",
                                String.valueOf(target.server().port()),
                                "-u",
                                target.dumpUser(),
                                "--databases",
                                Bench.DUMP_SCHEMA)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
                pb.environment().put("MYSQL_PWD", target.dumpPassword());
                Process p = pb.start();
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IOException("mariadb-dump failed: " + err.strip());
                }
                return Outcome.wholeRun(-1);
            }
        };
    }
}
