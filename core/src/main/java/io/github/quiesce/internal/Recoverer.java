package io.github.quiesce.internal;

import io.github.quiesce.BackupException;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.Recovery;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.spi.LockStrategy;
import io.github.quiesce.spi.RecoverContext;
import io.github.quiesce.spi.Sql;
import java.sql.Connection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Puts back what a dead session's journal says it left changed, with the strategy that wrote it. */
public final class Recoverer {

    private static final Logger LOG = LoggerFactory.getLogger(io.github.quiesce.BackupSession.class);

    private Recoverer() {}

    public static Recovery recover(DataSource dataSource, BackupOptions options) {
        Objects.requireNonNull(dataSource, "dataSource must not be null");
        Objects.requireNonNull(options, "options must not be null");
        Connection connection = SessionOpener.connect(dataSource);
        try {
            String endpoint = ServerProbe.endpointOf(connection);
            StrategyCatalog catalog = StrategyCatalog.discover(options.classLoader());
            ServerInfo server = ServerProbe.probe(
                            new JdbcSql(connection, "probe", endpoint),
                            endpoint,
                            catalog.serverVariables(),
                            catalog.serverStatusVariables())
                    .server();
            Optional<Journal.Entry> leftover = Journal.read(options.journalDirectory(), server);
            if (leftover.isEmpty()) {
                LOG.info("quiesce: nothing to recover on {} (no journal in {})", server, options.journalDirectory());
                return new Recovery(false, "", server.toString(), List.of());
            }
            Journal.Entry entry = leftover.get();
            if (entry.isLive()) {
                throw new BackupException(
                        "Nothing to recover on " + server + ": the session that wrote " + entry.describe()
                                + " is still running and will restore the server when it closes. Nothing was changed.");
            }
            LockStrategy strategy = catalog.named(entry.strategy());
            List<String> restored = strategy.recover(new Recovering(
                    server, new JdbcSql(connection, "recover " + strategy.name(), server.toString()), entry.state()));
            Journal.delete(entry.file());
            LOG.warn(
                    "quiesce: recovered {} after {}: {}",
                    server,
                    entry.describe(),
                    restored.isEmpty() ? "nothing was still changed" : restored);
            return new Recovery(true, entry.strategy(), server.toString(), restored);
        } finally {
            SessionOpener.closeQuietly(connection);
        }
    }

    /** What a strategy's {@link LockStrategy#recover} and {@link LockStrategy#stillChanged} see. */
    record Recovering(ServerInfo server, Sql sql, Map<String, String> journal) implements RecoverContext {
        Recovering {
            journal = Collections.unmodifiableMap(new LinkedHashMap<>(journal));
        }
    }
}
