package io.github.quiesce.bench;

import io.github.quiesce.testkit.EmbeddedServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A server the bench runs against: the testkit's embedded ones from Maven Central, or Debian's own
 * {@code mariadbd} that the bench starts itself ({@link DebianMariaDb}). Every account is {@code root}
 * without a password, on loopback.
 */
interface BenchServer {

    String label();

    boolean isMariaDb();

    int port();

    /** Unpooled, as {@code root}. */
    DataSource dataSource();

    /**
     * The data directory, where a physical backup on this host may read it and the server's version
     * matches this host's {@code mariabackup}; empty for the embedded servers.
     */
    default Optional<Path> backupDataDir() {
        return Optional.empty();
    }

    default Connection connect() throws SQLException {
        return dataSource().getConnection();
    }

    /** Runs statements as root, one by one. */
    default void execute(String... statements) {
        try (Connection c = connect();
                Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Failed on " + label() + ": " + e.getMessage(), e);
        }
    }

    /** {@code user@'%'} with a password and global privileges; both are the bench's own constants. */
    void createUser(String user, String password, String... globalPrivileges);

    static BenchServer of(EmbeddedServer server) {
        return new BenchServer() {
            public String label() {
                return server.distribution().displayName();
            }

            public boolean isMariaDb() {
                return server.distribution().isMariaDb();
            }

            public int port() {
                return server.port();
            }

            public DataSource dataSource() {
                return server.dataSource();
            }

            public Connection connect() throws SQLException {
                return server.connect();
            }

            public void createUser(String user, String password, String... globalPrivileges) {
                server.createUser(user, password, globalPrivileges);
            }

            @Override
            public String toString() {
                return server.toString();
            }
        };
    }
}
