package io.github.quiesce.testkit.junit;

import com.mysql.cj.jdbc.MysqlDataSource;
import java.util.Optional;
import javax.sql.DataSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MySQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Testcontainers provider. Loaded only when {@link QuiesceServer#image()} is set, so projects that
 * use embedded servers alone need no Testcontainers on their classpath.
 */
final class ContainerHandles {

    private ContainerHandles() {}

    /** Null when Docker runs; otherwise why the class is skipped. */
    static String unavailableReason(String image) {
        try {
            if (DockerClientFactory.instance().isDockerAvailable()) {
                return null;
            }
        } catch (RuntimeException e) {
            // Same as no Docker: the reason below says what to do.
        }
        return "no Docker engine on this machine, so " + image
                + " cannot run (use an embedded flavor where Docker is missing)";
    }

    /** A started container and its handle; close the container when done. */
    record Started(MySQLContainer<?> container, ServerHandle handle) implements AutoCloseable {
        @Override
        public void close() {
            container.stop();
        }
    }

    static Started start(String image) {
        MySQLContainer<?> c = new MySQLContainer<>(DockerImageName.parse(image).asCompatibleSubstituteFor("mysql"))
                .withUsername("root")
                .withPassword("quiesce")
                .withCommand("--log-bin=binlog", "--server-id=1");
        c.start();
        MysqlDataSource ds = new MysqlDataSource();
        ds.setURL(c.getJdbcUrl());
        ds.setUser("root");
        ds.setPassword("quiesce");
        ServerHandle handle = new ServerHandle() {
            public String description() {
                return image + " at " + c.getHost() + ":" + c.getFirstMappedPort();
            }

            public String jdbcUrl() {
                return c.getJdbcUrl();
            }

            public String user() {
                return "root";
            }

            public String password() {
                return "quiesce";
            }

            public DataSource dataSource() {
                return ds;
            }

            public Optional<ServerHandle> replica() {
                return Optional.empty();
            }
        };
        return new Started(c, handle);
    }
}
