package io.github.quiesce.testkit.junit;

import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.EmbeddedServers;
import io.github.quiesce.testkit.ReplicaPair;
import io.github.quiesce.testkit.ServerDistribution;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Starts (or reuses) the server a {@link QuiesceServer} class asks for and resolves it as a parameter.
 * Suite-scoped servers live until the JVM exits (the testkit stops them then); class-scoped ones are
 * stopped after the class.
 */
public final class QuiesceServerExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NS =
            ExtensionContext.Namespace.create(QuiesceServerExtension.class);
    /** Suite-wide replica pairs, one per distribution (single servers are shared by {@link EmbeddedServers}). */
    private static final Map<ServerDistribution, ReplicaPair> SHARED_PAIRS = new ConcurrentHashMap<>();

    /** What one class got. */
    private record Provided(ServerHandle handle, EmbeddedServer server, ReplicaPair pair) {}

    /**
     * Held in the class's store; closes what the class owns (class scope, containers), never a suite-wide
     * server. {@code skipReason} is set instead when the server cannot run here (no Docker).
     */
    private record Holder(Provided provided, AutoCloseable owned, String skipReason)
            implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws Exception {
            if (owned != null) {
                owned.close();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        QuiesceServer spec = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), QuiesceServer.class)
                .orElseThrow(() -> new ExtensionConfigurationException(
                        "QuiesceServerExtension needs @QuiesceServer on the class"));
        context.getStore(NS).put(Holder.class, start(spec));
    }

    private static Holder start(QuiesceServer spec) {
        if (!spec.image().isEmpty()) {
            String reason = ContainerHandles.unavailableReason(spec.image());
            if (reason != null) {
                return new Holder(null, null, reason);
            }
            ContainerHandles.Started started = ContainerHandles.start(spec.image());
            return new Holder(new Provided(started.handle(), null, null), started, null);
        }
        boolean classScope = spec.scope() == QuiesceServer.Scope.CLASS;
        if (spec.replica()) {
            ReplicaPair pair = classScope
                    ? ReplicaPair.start(spec.flavor())
                    : SHARED_PAIRS.computeIfAbsent(spec.flavor(), ReplicaPair::start);
            ServerHandle replica = new EmbeddedHandle(pair.replica(), Optional.empty());
            Provided p = new Provided(new EmbeddedHandle(pair.source(), Optional.of(replica)), pair.source(), pair);
            return new Holder(p, classScope ? pair : null, null);
        }
        EmbeddedServer server =
                classScope ? EmbeddedServer.start(spec.flavor()) : EmbeddedServers.shared(spec.flavor());
        return new Holder(
                new Provided(new EmbeddedHandle(server, Optional.empty()), server, null),
                classScope ? server : null,
                null);
    }

    /** Each test, not the class, is skipped: so every one shows in the report as skipped, with the reason. */
    @Override
    public void beforeEach(ExtensionContext context) {
        Holder h = context.getStore(NS).get(Holder.class, Holder.class);
        Assumptions.assumeTrue(h == null || h.skipReason() == null, () -> h.skipReason());
    }

    private static Provided provided(ExtensionContext context) {
        Holder h = context.getStore(NS).get(Holder.class, Holder.class);
        if (h == null) {
            throw new ParameterResolutionException("No server was started for "
                    + context.getRequiredTestClass().getName());
        }
        return h.provided();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ServerHandle.class
                || type == DataSource.class
                || type == EmbeddedServer.class
                || type == ReplicaPair.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Provided p = provided(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == ServerHandle.class) {
            return p.handle();
        }
        if (type == DataSource.class) {
            return p.handle().dataSource();
        }
        if (type == EmbeddedServer.class && p.server() != null) {
            return p.server();
        }
        if (type == ReplicaPair.class && p.pair() != null) {
            return p.pair();
        }
        throw new ParameterResolutionException(type.getSimpleName() + " is not available here: "
                + (type == ReplicaPair.class
                        ? "set @QuiesceServer(replica = true)"
                        : "the server is a container, use ServerHandle or DataSource"));
    }
}
