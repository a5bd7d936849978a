package io.github.quiesce.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.GaleraDesync;
import io.github.quiesce.GaleraGuard;
import io.github.quiesce.GaleraNode;
import io.github.quiesce.GaleraNodeNotReadyException;
import io.github.quiesce.UnsupportedServerException;
import io.github.quiesce.testkit.scripted.ScriptedServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Percona XtraDB Cluster cannot run here: a scripted server answers as a PXC 8.0 node does (its variables and
 * {@code wsrep_*} status, from Percona's documentation), and these tests assert the statements quiesce sends it.
 * The lock behaviour itself is tested on a real MariaDB Galera cluster ({@code GaleraIT}).
 */
class GaleraScriptedTest {

    @TempDir
    Path journals;

    private BackupOptions.Builder options(String strategy) {
        return BackupOptions.builder()
                .strategy(strategy)
                .journalDirectory(journals)
                .lockWaitTimeout(Duration.ofSeconds(5));
    }

    @Test
    void aPxcNodeIsRecognisedAndAutoTakesFtwrlWithTheGaleraPosition() {
        ScriptedServer server = ScriptedServer.pxc80();
        List<BackupEvent> events = Collections.synchronizedList(new ArrayList<>());
        BinlogCoordinates c;
        try (BackupSession s = BackupSession.open(
                server.dataSource(), options("auto").listener(events::add).build())) {
            GaleraNode g = s.server().galera().orElseThrow();
            assertThat(g.kind()).isEqualTo(GaleraNode.Kind.PERCONA_XTRADB_CLUSTER);
            assertThat(g.state().clusterSize()).isEqualTo(3);
            assertThat(s.server().describe()).isEqualTo("Percona Server 8.0.36 (Percona XtraDB Cluster node)");
            assertThat(s.strategy()).isEqualTo("ftwrl");
            c = s.coordinates();
        }
        assertThat(c.galeraPosition().orElseThrow().toString()).isEqualTo("8b3a1f52-e65e-11f1-8f0e-7e2b4c9d0a11:4711");
        BackupEvent.StrategyChosen chosen = events.stream()
                .filter(BackupEvent.StrategyChosen.class::isInstance)
                .map(BackupEvent.StrategyChosen.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(chosen.why())
                .contains(
                        "mysql-instance-lock: not supported (on a Galera node LOCK INSTANCE FOR BACKUP neither desyncs nor pauses")
                .contains("PXC-4799")
                .contains("percona-backup-locks: not supported (on a Galera node (Percona XtraDB Cluster) backup locks")
                .contains(
                        "table-locks: not supported (on a Galera node LOCK TABLES ... READ neither desyncs nor pauses the node");
        List<String> after = server.statementsAfterProbe();
        assertThat(after.get(0))
                .as("the node's state is read before anything else")
                .startsWith("SHOW GLOBAL STATUS WHERE Variable_name IN (");
        assertThat(after)
                .doesNotContain("SET GLOBAL wsrep_desync = ON")
                .contains("FLUSH TABLES WITH READ LOCK", "UNLOCK TABLES");
        int ftwrl = after.indexOf("FLUSH TABLES WITH READ LOCK");
        int master = after.indexOf("SHOW MASTER STATUS");
        int unlock = after.indexOf("UNLOCK TABLES");
        assertThat(after.subList(master, unlock))
                .as("the Galera position is read under the lock, after the binary log status")
                .anyMatch(st -> st.startsWith("SHOW GLOBAL STATUS WHERE"));
        assertThat(ftwrl).isLessThan(master);
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void withDesyncAlwaysTheNodeIsDesyncedBeforeTheLockAndResyncedAfterIt() {
        ScriptedServer server = ScriptedServer.pxc80();
        try (BackupSession s = BackupSession.open(
                server.dataSource(),
                options("ftwrl").galeraDesync(GaleraDesync.ALWAYS).build())) {
            assertThat(s.coordinates().galeraPosition()).isPresent();
        }
        List<String> after = server.statementsAfterProbe();
        int desync = after.indexOf("SET GLOBAL wsrep_desync = ON");
        int ftwrl = after.indexOf("FLUSH TABLES WITH READ LOCK");
        int unlock = after.indexOf("UNLOCK TABLES");
        int resync = after.indexOf("SET GLOBAL wsrep_desync = OFF");
        assertThat(desync)
                .as("desynced (galera issue 131: never after FTWRL)")
                .isPositive()
                .isLessThan(ftwrl);
        assertThat(after.get(desync - 1)).isEqualTo("SELECT @@GLOBAL.wsrep_desync");
        assertThat(resync).as("resynced after the unlock").isGreaterThan(unlock);
    }

    @Test
    void aNodeDesyncedByItsOperatorIsLeftDesynced() {
        ScriptedServer server = ScriptedServer.pxc80().variable("wsrep_desync", "ON");
        try (BackupSession s = BackupSession.open(
                server.dataSource(),
                options("ftwrl").galeraDesync(GaleraDesync.ALWAYS).build())) {
            s.coordinates();
        }
        assertThat(server.statementsAfterProbe()).noneMatch(st -> st.startsWith("SET GLOBAL wsrep_desync"));
    }

    @Test
    void aNodeShuttingDownIsRefusedAtOnce() {
        ScriptedServer server = ScriptedServer.pxc80().variable("pxc_maint_mode", "SHUTDOWN");
        Throwable e = catchThrowable(() ->
                BackupSession.open(server.dataSource(), options("auto").build()).close());
        assertThat(e).isInstanceOf(GaleraNodeNotReadyException.class).hasMessageContaining("pxc_maint_mode=SHUTDOWN");
        assertThat(server.statements()).noneMatch(st -> st.contains("LOCK"));
    }

    @Test
    void aNodeOutsideThePrimaryComponentIsRefusedAfterTheBound() {
        ScriptedServer server = ScriptedServer.pxc80()
                .status("wsrep_cluster_status", "non-Primary")
                .status("wsrep_ready", "OFF");
        Throwable e = catchThrowable(() -> BackupSession.open(
                        server.dataSource(),
                        options("auto")
                                .galeraGuard(new GaleraGuard(100, Duration.ofMillis(300)))
                                .build())
                .close());
        assertThat(e)
                .isInstanceOf(GaleraNodeNotReadyException.class)
                .hasMessageContaining("non-Primary component")
                .hasMessageContaining("wsrep_ready=OFF");
        assertThat(server.statements()).noneMatch(st -> st.contains("LOCK"));
    }

    @Test
    void theInstanceLockNamedOnAPxcNodeIsRefusedSayingWhy() {
        ScriptedServer server = ScriptedServer.pxc80();
        Throwable e = catchThrowable(() -> BackupSession.open(
                        server.dataSource(), options("mysql-instance-lock").build())
                .close());
        assertThat(e).isInstanceOf(UnsupportedServerException.class).hasMessageContaining("PXC-4799");
    }
}
