package io.github.quiesce.spi;

import io.github.quiesce.Privilege;
import io.github.quiesce.ServerInfo;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A privilege a strategy needs, met by any one of {@code anyOf}.
 *
 * @param anyOf   privileges any one of which suffices, e.g. REPLICATION CLIENT or SUPER
 * @param purpose what it is for, e.g. "FLUSH TABLES WITH READ LOCK"
 */
public record PrivilegeRequirement(Set<Privilege> anyOf, String purpose) {

    public PrivilegeRequirement {
        if (anyOf == null || anyOf.isEmpty()) {
            throw new IllegalArgumentException("a requirement names at least one privilege");
        }
        anyOf = Set.copyOf(EnumSet.copyOf(anyOf));
        Objects.requireNonNull(purpose, "purpose");
    }

    public static PrivilegeRequirement of(Privilege privilege, String purpose) {
        return new PrivilegeRequirement(Set.of(privilege), purpose);
    }

    public static PrivilegeRequirement anyOf(String purpose, Privilege first, Privilege... others) {
        return new PrivilegeRequirement(EnumSet.of(first, others), purpose);
    }

    public boolean isMetBy(ServerInfo server) {
        return anyOf.stream().anyMatch(server::has);
    }

    /** e.g. "RELOAD (for FLUSH TABLES WITH READ LOCK)" or "REPLICATION CLIENT / BINLOG MONITOR or SUPER (for SHOW MASTER STATUS)". */
    public String describe() {
        return anyOf.stream().sorted().map(Privilege::displayName).collect(Collectors.joining(" or ")) + " (for "
                + purpose + ")";
    }
}
