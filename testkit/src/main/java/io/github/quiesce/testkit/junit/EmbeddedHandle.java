package io.github.quiesce.testkit.junit;

import io.github.quiesce.testkit.EmbeddedServer;
import java.util.Optional;
import javax.sql.DataSource;

/** A {@link ServerHandle} on an embedded server (root, no password, loopback). */
record EmbeddedHandle(EmbeddedServer server, Optional<ServerHandle> replica) implements ServerHandle {

    @Override
    public String description() {
        return server.toString();
    }

    @Override
    public String jdbcUrl() {
        return server.jdbcUrl();
    }

    @Override
    public String user() {
        return "root";
    }

    @Override
    public String password() {
        return "";
    }

    @Override
    public DataSource dataSource() {
        return server.dataSource();
    }
}
