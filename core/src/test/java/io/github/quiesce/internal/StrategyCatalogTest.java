package io.github.quiesce.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.MissingPrivilegeException;
import io.github.quiesce.Privilege;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.StrategyNotFoundException;
import io.github.quiesce.UnsupportedServerException;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.LockStrategy;
import io.github.quiesce.spi.PrivilegeRequirement;
import io.github.quiesce.spi.Support;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class StrategyCatalogTest {

    record Stub(String name, int priority, Predicate<ServerInfo> fits, boolean auto, List<PrivilegeRequirement> needs)
            implements LockStrategy {
        @Override
        public Support supports(ServerInfo server) {
            return fits.test(server) ? Support.yes() : Support.no("needs MySQL 9");
        }

        @Override
        public boolean selectableByAuto() {
            return auto;
        }

        @Override
        public List<PrivilegeRequirement> requiredPrivileges(ServerInfo server) {
            return needs;
        }

        @Override
        public void acquire(LockContext context) {}

        @Override
        public BinlogCoordinates captureCoordinates(LockContext context) {
            return new BinlogCoordinates("f", 4, "");
        }
    }

    static final Stub GLOBAL =
            new Stub("global", 10, s -> true, true, List.of(PrivilegeRequirement.of(Privilege.RELOAD, "FTWRL")));
    static final Stub LIGHT = new Stub("light", 50, s -> s.version().atLeast(9, 0, 0), true, List.of());
    static final Stub CHEAP = new Stub(
            "cheap", 40, s -> true, true, List.of(PrivilegeRequirement.of(Privilege.BACKUP_ADMIN, "LOCK INSTANCE")));
    static final Stub MANUAL = new Stub("manual", 99, s -> true, false, List.of());

    final StrategyCatalog catalog = StrategyCatalog.of(List.of(GLOBAL, LIGHT, CHEAP, MANUAL));

    static final StrategyCatalog.Inspector ANYTHING_GOES = s -> Support.yes();
    static final StrategyCatalog.Inspector CHEAP_SEES_MYISAM =
            s -> s == CHEAP ? Support.no("non-InnoDB tables: shop.log (MyISAM)") : Support.yes();

    @Test
    void anInspectionThatSaysNoMovesAutoToTheNextStrategyAndSaysWhy() {
        ServerInfo server = TestServers.mysql("8.0.15", Set.of(Privilege.RELOAD, Privilege.BACKUP_ADMIN));
        StrategyCatalog.Selection sel = catalog.select(server, BackupOptions.defaults(), CHEAP_SEES_MYISAM);
        assertThat(sel.candidates()).containsExactly(GLOBAL);
        assertThat(sel.explanation()).contains("cheap: not safe here (non-InnoDB tables: shop.log (MyISAM))");
    }

    @Test
    void anInspectionThatSaysNoIsTheErrorForANamedStrategy() {
        ServerInfo server = TestServers.mysql("8.0.15", Set.of(Privilege.RELOAD, Privilege.BACKUP_ADMIN));
        assertThatThrownBy(() -> catalog.select(
                        server, BackupOptions.builder().strategy("cheap").build(), CHEAP_SEES_MYISAM))
                .isInstanceOf(UnsupportedServerException.class)
                .hasMessageContaining("shop.log (MyISAM)")
                .hasMessageContaining("Nothing was locked");
    }

    @Test
    void autoPicksTheHighestPrioritySupportedStrategyAndSaysWhyOthersWereNot() {
        ServerInfo server = TestServers.mysql("8.0.15", Set.of(Privilege.RELOAD, Privilege.BACKUP_ADMIN));
        StrategyCatalog.Selection sel = catalog.select(server, BackupOptions.defaults(), ANYTHING_GOES);
        assertThat(sel.candidates()).extracting(LockStrategy::name).containsExactly("cheap", "global");
        assertThat(sel.explanation())
                .contains("manual: only when named")
                .contains("light: not supported (needs MySQL 9)")
                .contains("cheap: chosen")
                .contains("global: fallback");
    }

    @Test
    void autoSkipsAStrategyWhosePrivilegesAreMissing() {
        ServerInfo server = TestServers.mysql("8.0.15", Set.of(Privilege.RELOAD));
        StrategyCatalog.Selection sel = catalog.select(server, BackupOptions.defaults(), ANYTHING_GOES);
        assertThat(sel.candidates()).extracting(LockStrategy::name).containsExactly("global");
        assertThat(sel.explanation()).contains("cheap: missing BACKUP_ADMIN (for LOCK INSTANCE)");
    }

    @Test
    void anExplicitNameWinsEvenWhenAutoWouldNotPickIt() {
        ServerInfo server = TestServers.mysql("8.0.15", Set.of(Privilege.RELOAD));
        assertThat(catalog.select(
                                server,
                                BackupOptions.builder().strategy("manual").build(),
                                ANYTHING_GOES)
                        .candidates())
                .extracting(LockStrategy::name)
                .containsExactly("manual");
    }

    @Test
    void anExplicitUnsupportedStrategySaysWhyAndSuggestsAuto() {
        ServerInfo server = TestServers.mysql("8.0.15", Set.of(Privilege.RELOAD));
        assertThatThrownBy(() -> catalog.select(
                        server, BackupOptions.builder().strategy("light").build(), ANYTHING_GOES))
                .isInstanceOf(UnsupportedServerException.class)
                .hasMessageContaining("needs MySQL 9")
                .hasMessageContaining("auto")
                .hasMessageContaining("MySQL 8.0.15");
    }

    @Test
    void anExplicitStrategyWithoutItsPrivilegesNamesWhatIsMissing() {
        ServerInfo server = TestServers.mysql("8.0.15", Set.of());
        assertThatThrownBy(() -> catalog.select(
                        server, BackupOptions.builder().strategy("global").build(), ANYTHING_GOES))
                .isInstanceOfSatisfying(MissingPrivilegeException.class, e -> assertThat(e.missing())
                        .containsExactly("RELOAD (for FTWRL)"))
                .hasMessageContaining("'b'@'%'")
                .hasMessageContaining("Nothing was locked");
    }

    @Test
    void noStrategyFitsUnderAutoListsEveryReason() {
        ServerInfo server = TestServers.mysql("8.0.15", Set.of());
        assertThatThrownBy(() -> StrategyCatalog.of(List.of(GLOBAL, LIGHT))
                        .select(server, BackupOptions.defaults(), ANYTHING_GOES))
                .isInstanceOf(UnsupportedServerException.class)
                .hasMessageContaining("global: missing RELOAD")
                .hasMessageContaining("light: not supported");
    }

    @Test
    void unknownNameListsTheStrategiesFound() {
        assertThatThrownBy(() -> catalog.named("nope"))
                .isInstanceOf(StrategyNotFoundException.class)
                .hasMessageContaining("'nope'")
                .hasMessageContaining("cheap, global");
    }

    @Test
    void withNoStrategyOnTheClasspathOpenFailsBeforeConnectingAndExplainsShading() {
        DataSource ds = mock(DataSource.class);
        assertThatThrownBy(() -> BackupSession.open(ds))
                .isInstanceOf(StrategyNotFoundException.class)
                .hasMessageContaining("META-INF/services/io.github.quiesce.spi.LockStrategy")
                .hasMessageContaining("ServicesResourceTransformer");
        verifyNoInteractions(ds);
    }

    @Test
    void nullArgumentsAreRejected() {
        assertThatThrownBy(() -> BackupSession.open(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("dataSource");
        assertThatThrownBy(() -> BackupSession.open(mock(DataSource.class), null))
                .isInstanceOf(NullPointerException.class);
    }
}
