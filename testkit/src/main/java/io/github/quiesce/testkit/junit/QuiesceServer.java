package io.github.quiesce.testkit.junit;

import io.github.quiesce.testkit.ServerDistribution;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real MySQL-family server for a test class, started once and injected as a test or lifecycle method
 * parameter: {@link ServerHandle}, {@link javax.sql.DataSource}, {@link io.github.quiesce.testkit.EmbeddedServer},
 * or, with {@code replica = true}, {@link io.github.quiesce.testkit.ReplicaPair} (the handle's
 * {@link ServerHandle#replica()} is then the replica).
 *
 * <pre>{@code
 * @QuiesceServer(flavor = ServerDistribution.MARIADB_11_4_5)
 * class BackupJobIT {
 *     @Test
 *     void takesAConsistentPoint(DataSource dataSource) { ... }
 * }
 * }</pre>
 *
 * <p>Embedded servers come from Maven Central artifacts (no Docker): add the distribution's artifact in
 * test scope (see {@link ServerDistribution#artifact()}). Versions of one artifact cannot share a
 * classpath: copy the others' jars into a folder and name it with {@code -Dquiesce.testkit.artifacts}
 * (integration-tests does so with maven-dependency-plugin's {@code copy}). With {@link #image()} a Testcontainers container
 * is used instead; where no Docker engine runs, the class is skipped with that reason.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(QuiesceServerExtension.class)
public @interface QuiesceServer {

    /** Which embedded server; the versions are pinned in {@link ServerDistribution}. */
    ServerDistribution flavor() default ServerDistribution.MYSQL_8_0_15;

    /** Also start a replica of it (GTID replication). */
    boolean replica() default false;

    /** Share the server with every test class of the JVM that asks for the same one ({@code SUITE}), or not. */
    Scope scope() default Scope.SUITE;

    /**
     * A Docker image of a MySQL-compatible server, e.g. {@code percona/percona-server:8.0}, run with
     * Testcontainers ({@code org.testcontainers:mysql} on the test classpath) instead of {@link #flavor()}.
     */
    String image() default "";

    enum Scope {
        SUITE,
        CLASS
    }
}
