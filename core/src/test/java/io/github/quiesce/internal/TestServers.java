package io.github.quiesce.internal;

import io.github.quiesce.Flavor;
import io.github.quiesce.Privilege;
import io.github.quiesce.Privileges;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.ServerVersion;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** ServerInfo values for unit tests. */
final class TestServers {

    private TestServers() {}

    static ServerInfo mysql(String version, Set<Privilege> privileges) {
        return new ServerInfo(
                Flavor.MYSQL,
                ServerVersion.parse(version),
                version,
                "MySQL Community Server - GPL",
                "db:3306",
                true,
                "ON",
                false,
                false,
                false,
                new Privileges(
                        "'b'@'%'",
                        privileges.isEmpty() ? EnumSet.noneOf(Privilege.class) : EnumSet.copyOf(privileges),
                        false,
                        true),
                Map.of("version", version));
    }
}
