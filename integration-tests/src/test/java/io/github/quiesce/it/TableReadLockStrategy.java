package io.github.quiesce.it;

import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.StrategyOption;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.LockStrategy;
import io.github.quiesce.spi.RecoverContext;
import io.github.quiesce.spi.Support;
import io.github.quiesce.spi.support.BinaryLogStatus;
import io.github.quiesce.spi.support.Galera;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * A third-party strategy as {@code GaleraIT} needs one: {@code LOCK TABLES galera_it.<table> READ}, a lock that
 * stops a Galera node's applier (a replicated write to the table waits for it) and that the server does not
 * desync the node for, like the backup locks on Percona XtraDB Cluster. {@link #SERVER_DESYNCS} says what it
 * tells {@link Galera#beforeLock}: the truth ({@code false}, so the helper desyncs the node) or, for the
 * control run, that the server desyncs by itself (so nothing does, and the cluster stalls).
 * Named only explicitly, and found only through {@link #loader()}.
 */
public final class TableReadLockStrategy implements LockStrategy {

    public static final String NAME = "test-table-read-lock";
    public static final StrategyOption<String> TABLE = StrategyOption.of(NAME + ".table", String.class, "t");
    public static final StrategyOption<Boolean> SERVER_DESYNCS =
            StrategyOption.of(NAME + ".server-desyncs", Boolean.class, false);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Support supports(ServerInfo server) {
        return Support.yes();
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public boolean selectableByAuto() {
        return false;
    }

    @Override
    public void acquire(LockContext context) {
        String table = context.options().get(TABLE);
        if (!table.matches("[a-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("table " + table);
        }
        Galera.beforeLock(context, context.options().get(SERVER_DESYNCS));
        String lock = "LOCK TABLES galera_it." + table + " READ";
        context.sql().execute(lock);
        context.onRelease("UNLOCK TABLES", s -> s.execute("UNLOCK TABLES"));
    }

    @Override
    public BinlogCoordinates captureCoordinates(LockContext context) {
        // Not a consistent point for the whole server: only what the test needs to run a session.
        return BinaryLogStatus.read(context.sql(), context.server());
    }

    @Override
    public List<String> recover(RecoverContext context) {
        return Galera.recover(context);
    }

    /** quiesce's own class loader, with this strategy added to what ServiceLoader finds. */
    public static ClassLoader loader() {
        try {
            Path services = Files.createTempFile("quiesce-test-strategy-", ".services");
            Files.writeString(services, TableReadLockStrategy.class.getName() + "\n", StandardCharsets.UTF_8);
            services.toFile().deleteOnExit();
            URL extra = services.toUri().toURL();
            String serviceFile = "META-INF/services/" + LockStrategy.class.getName();
            return new ClassLoader(LockStrategy.class.getClassLoader()) {
                @Override
                public Enumeration<URL> getResources(String name) throws IOException {
                    List<URL> all = new ArrayList<>(Collections.list(super.getResources(name)));
                    if (name.equals(serviceFile)) {
                        all.add(extra);
                    }
                    return Collections.enumeration(all);
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
