package io.github.quiesce;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The global privileges of the connected account, as read from {@code SHOW GRANTS}.
 *
 * @param account        the account as the server names it ({@code CURRENT_USER()}), e.g. {@code 'backup'@'%'}
 * @param granted        the tracked global privileges granted {@code ON *.*}
 * @param allPrivileges  whether the account has {@code ALL PRIVILEGES ON *.*}
 * @param known          false when the grants could not be read; privilege checks are then skipped (logged at WARN)
 */
public record Privileges(String account, Set<Privilege> granted, boolean allPrivileges, boolean known) {

    public Privileges {
        Objects.requireNonNull(account, "account");
        granted = granted.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(granted));
    }

    public static Privileges unknown(String account) {
        return new Privileges(account, Set.of(), false, false);
    }

    /** True when the account holds {@code privilege}, or when the grants are unknown (nothing to refuse on). */
    public boolean has(Privilege privilege) {
        return !known || allPrivileges || granted.contains(privilege);
    }
}
