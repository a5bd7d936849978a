package io.github.quiesce.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.ReplicaSource;
import io.github.quiesce.readonly.ReadOnlyStrategy;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.Gtids;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerConfig;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.Writers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code read-only} on a replica of two sources (MySQL channels 'a' and 'b'; MariaDB named connections with
 * one GTID domain per source) while both sources take writes: every hold gives both sources' points, each
 * matching exactly the rows the replica holds from that source, each starting at that source's next
 * transaction; {@code replicaSource()} refuses to pick one; and the {@code CHANGE ... SOURCE} texts run on a
 * fresh server of the same version, which then lists both channels.
 */
class MultiSourceReplicaIT {

    private static final int HOLDS = 10;
    private static final String USER = "quiesce_ms_repl";
    private static final String PASSWORD = "quiesce_ms_pw1";
    private static final List<String> CHANNELS = List.of("a", "b");

    @ParameterizedTest
    @EnumSource(
            value = ServerDistribution.class,
            names = {"MYSQL_8_0_15", "MARIADB_11_4_5"})
    void everySourceIsGivenAndEachMatchesItsRows(ServerDistribution d) throws Exception {
        List<EmbeddedServer> sources = new ArrayList<>();
        EmbeddedServer replica = null;
        EmbeddedServer fresh = null;
        try {
            for (int i = 0; i < CHANNELS.size(); i++) {
                // MariaDB: a domain per source, so that @@gtid_slave_pos keeps each source's own position.
                ServerConfig config = ServerConfig.defaults().withServerId(10 + i);
                sources.add(EmbeddedServer.start(
                        d, d.isMariaDb() ? config.withArgs("--gtid-domain-id=" + (i + 1)) : config));
            }
            replica = EmbeddedServer.start(d, ServerConfig.defaults().withServerId(2));
            Map<String, EmbeddedServer> byChannel = new LinkedHashMap<>();
            Map<String, String> tables = new LinkedHashMap<>();
            for (int i = 0; i < CHANNELS.size(); i++) {
                String channel = CHANNELS.get(i);
                EmbeddedServer source = sources.get(i);
                byChannel.put(channel, source);
                // A user per source: both CREATE USERs replicate, and the second would stop its channel.
                source.createUser(USER + "_" + channel, PASSWORD, "REPLICATION SLAVE");
                tables.put(channel, Writers.newTable(source, "ms_" + channel, "t"));
                replica.execute(changeSource(d, channel, source.port()), startReplica(d, channel));
            }
            for (EmbeddedServer source : byChannel.values()) {
                awaitApplied(d, replica, source);
            }
            Map<String, Long> baseline = new LinkedHashMap<>();
            byChannel.forEach((ch, source) -> baseline.put(ch, Gtids.countOf(source, Gtids.executed(source))));

            List<Writers> writers = new ArrayList<>();
            List<BinlogCoordinates> held = new ArrayList<>();
            try {
                byChannel.forEach(
                        (ch, source) -> writers.add(Writers.start(source, "ms_" + ch, tables.get(ch), 2, 1_000_000)));
                for (Writers w : writers) {
                    w.awaitCommitted(20, 10_000);
                }
                List<String> wrong = new ArrayList<>();
                for (int hold = 0; hold < HOLDS; hold++) {
                    try (BackupSession s = BackupSession.open(
                            replica.dataSource(),
                            BackupOptions.builder()
                                    .strategy(ReadOnlyStrategy.NAME)
                                    .lockWaitTimeout(Duration.ofSeconds(10))
                                    .build())) {
                        BinlogCoordinates c = s.coordinates();
                        held.add(c);
                        assertThat(c.replicaSources())
                                .extracting(ReplicaSource::channel)
                                .containsExactlyElementsOf(CHANNELS);
                        for (ReplicaSource src : c.replicaSources()) {
                            EmbeddedServer source = byChannel.get(src.channel());
                            assertThat(src.port())
                                    .as("channel %s", src.channel())
                                    .isEqualTo(source.port());
                            long rows = ServerChecks.count(
                                    replica,
                                    "SELECT COUNT(*) FROM ms_" + src.channel() + "." + tables.get(src.channel()));
                            long transactions = Gtids.countOf(source, src.gtidSet()) - baseline.get(src.channel());
                            if (rows != transactions) {
                                wrong.add("hold " + hold + ", channel " + src.channel() + ": " + rows + " rows, "
                                        + transactions + " transactions in " + src.gtidSet());
                            }
                            String next = next(d, source, src.gtidSet());
                            String event = ServerChecks.eventAt(source, src.logFile(), src.logPosition())
                                    .map(e -> e.type() + " " + e.info())
                                    .orElse("(none yet)");
                            if (!event.equals("(none yet)") && !event.contains(next)) {
                                wrong.add("hold " + hold + ", channel " + src.channel() + ": at " + src.logFile() + ":"
                                        + src.logPosition() + " is '" + event + "', not " + next);
                            }
                        }
                    }
                }
                assertThat(wrong)
                        .as("channels whose point is not the replica's data")
                        .isEmpty();
            } finally {
                writers.forEach(Writers::close);
            }
            for (Writers w : writers) {
                assertThat(w.errors()).isEmpty();
            }
            BinlogCoordinates last = held.get(held.size() - 1);
            assertThatThrownBy(last::replicaSource)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("replicaSources()");

            // The server's own parser is the judge of the texts: each channel's GTID text, then each one's by position.
            fresh = EmbeddedServer.start(d, ServerConfig.defaults().withServerId(3));
            for (ReplicaSource src : last.replicaSources()) {
                fresh.execute(src.changeSourceByGtidStatement().split(";\\s*"));
            }
            assertThat(channelsOn(d, fresh)).containsExactlyInAnyOrderElementsOf(CHANNELS);
            fresh.execute(
                    d.isMariaDb() ? "RESET SLAVE 'a' ALL" : "RESET SLAVE ALL",
                    d.isMariaDb() ? "RESET SLAVE 'b' ALL" : "DO 0");
            for (ReplicaSource src : last.replicaSources()) {
                fresh.execute(src.changeSourceStatement().replaceAll(";\\s*$", ""));
            }
            assertThat(channelsOn(d, fresh)).containsExactlyInAnyOrderElementsOf(CHANNELS);
        } finally {
            if (fresh != null) {
                fresh.close();
            }
            if (replica != null) {
                replica.close();
            }
            sources.forEach(EmbeddedServer::close);
        }
    }

    private static String changeSource(ServerDistribution d, String channel, int port) {
        String common = "MASTER_HOST='127.0.0.1', MASTER_PORT=" + port + ", MASTER_USER='" + USER + "_" + channel
                + "', MASTER_PASSWORD='" + PASSWORD + "', MASTER_CONNECT_RETRY=1, ";
        return d.isMariaDb()
                ? "CHANGE MASTER '" + channel + "' TO " + common + "MASTER_USE_GTID=slave_pos"
                : "CHANGE MASTER TO " + common + "MASTER_AUTO_POSITION=1 FOR CHANNEL '" + channel + "'";
    }

    private static String startReplica(ServerDistribution d, String channel) {
        return d.isMariaDb() ? "START SLAVE '" + channel + "'" : "START SLAVE FOR CHANNEL '" + channel + "'";
    }

    private static void awaitApplied(ServerDistribution d, EmbeddedServer replica, EmbeddedServer source) {
        String target = Gtids.executed(source);
        String wait = d.isMariaDb()
                ? "SELECT MASTER_GTID_WAIT('" + target + "', 60)"
                : "SELECT WAIT_FOR_EXECUTED_GTID_SET('" + target + "', 60)";
        assertThat(ServerChecks.scalar(replica, wait))
                .as("the replica applied %s", target)
                .isEqualTo("0");
    }

    /** The GTID of the source's next transaction after the set, as SHOW BINLOG EVENTS prints it. */
    private static String next(ServerDistribution d, EmbeddedServer source, String set) {
        if (!d.isMariaDb()) {
            return Gtids.next(set, ServerChecks.scalar(source, "SELECT @@GLOBAL.server_uuid"));
        }
        String domain = ServerChecks.scalar(source, "SELECT @@GLOBAL.gtid_domain_id");
        String serverId = ServerChecks.scalar(source, "SELECT @@GLOBAL.server_id");
        return domain + "-" + serverId + "-" + (Gtids.countOf(source, set) + 1);
    }

    private static List<String> channelsOn(ServerDistribution d, EmbeddedServer server) {
        List<String> names = new ArrayList<>();
        try (var c = server.connect();
                var st = c.createStatement();
                var rs = st.executeQuery(d.isMariaDb() ? "SHOW ALL SLAVES STATUS" : "SHOW SLAVE STATUS")) {
            while (rs.next()) {
                names.add(rs.getString(d.isMariaDb() ? "Connection_name" : "Channel_Name"));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }
}
