package io.github.quiesce.readonly;

import io.github.quiesce.Flavor;
import io.github.quiesce.Privileges;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.ServerVersion;
import java.util.Map;

/** A probed replica as the unit tests here need one: binary log and GTIDs on, privileges unknown. */
final class ReplicaServers {

    private ReplicaServers() {}

    static ServerInfo replica(Flavor flavor, String version) {
        return new ServerInfo(
                flavor,
                ServerVersion.parse(version),
                version,
                "",
                "db:3306",
                true,
                "ON",
                true,
                false,
                true,
                Privileges.unknown("'b'@'%'"),
                Map.of("version", version));
    }
}
