package io.github.quiesce.internal;

import io.github.quiesce.Privilege;
import io.github.quiesce.Privileges;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the global privileges out of {@code SHOW GRANTS} lines. Only {@code ON *.*} grants count.
 * Lines may carry password hashes (MariaDB's {@code IDENTIFIED BY PASSWORD}): never log them.
 */
final class GrantsParser {

    private static final Pattern GLOBAL_GRANT =
            Pattern.compile("^GRANT\\s+(.+?)\\s+ON\\s+\\*\\.\\*\\s+TO\\s", Pattern.CASE_INSENSITIVE);
    // MySQL 8 role grants look like "GRANT `role`@`%` TO `user`@`%`": no ON clause.
    private static final Pattern ROLE_GRANT =
            Pattern.compile("^GRANT\\s+[`'\"][^ ]+\\s+TO\\s", Pattern.CASE_INSENSITIVE);

    private GrantsParser() {}

    static Privileges parse(String account, List<String> grantLines) {
        Set<Privilege> granted = EnumSet.noneOf(Privilege.class);
        boolean all = false;
        for (String line : grantLines) {
            String l = line.trim();
            if (ROLE_GRANT.matcher(l).find() && !l.toUpperCase(Locale.ROOT).contains(" ON ")) {
                // Privileges that arrive through roles are not listed here; refusing on them would be wrong.
                return Privileges.unknown(account);
            }
            Matcher m = GLOBAL_GRANT.matcher(l);
            if (!m.find()) {
                continue;
            }
            for (String name : m.group(1).split(",")) {
                String n = name.trim().toUpperCase(Locale.ROOT);
                if (n.equals("ALL") || n.equals("ALL PRIVILEGES")) {
                    all = true;
                } else {
                    Privilege.fromGrantName(n).ifPresent(granted::add);
                }
            }
        }
        return new Privileges(account, granted, all, true);
    }
}
