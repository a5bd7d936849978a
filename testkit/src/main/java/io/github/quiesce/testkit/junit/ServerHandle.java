package io.github.quiesce.testkit.junit;

import java.util.Optional;
import javax.sql.DataSource;

/** How a test reaches the server {@link QuiesceServer} started: the same shape for embedded servers and containers. */
public interface ServerHandle {

    /** e.g. "MySQL 8.0.15 at 127.0.0.1:41234" or "percona/percona-server:8.0 at localhost:32768". */
    String description();

    String jdbcUrl();

    /** An account with every privilege. */
    String user();

    String password();

    /** A plain DataSource for {@link #user()}; sessions and pools may be built on it. */
    DataSource dataSource();

    /** The replica, when {@code replica = true} was asked for. */
    Optional<ServerHandle> replica();
}
