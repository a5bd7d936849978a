package io.github.quiesce.testkit.scripted;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Accounts and their global privileges; ALL PRIVILEGES (which in 8.0 includes BACKUP_ADMIN) satisfies every check. */
final class ModelAccounts {

    static final String ALL = "ALL PRIVILEGES";
    private static final Pattern GLOBAL_GRANT =
            Pattern.compile("^GRANT (.+?) ON \\*\\.\\* TO .*$", Pattern.CASE_INSENSITIVE);

    private final Map<String, Set<String>> privileges = new HashMap<>();

    void create(String user) {
        privileges.putIfAbsent(user, new HashSet<>());
    }

    void drop(String user) {
        privileges.remove(user);
    }

    boolean exists(String user) {
        return privileges.containsKey(user);
    }

    void grant(String user, List<String> names) {
        privileges.computeIfAbsent(user, u -> new HashSet<>()).addAll(normalize(names));
    }

    void revoke(String user, List<String> names) {
        Set<String> held = privileges.get(user);
        if (held != null) {
            held.removeAll(normalize(names));
        }
    }

    Set<String> of(String user) {
        return Set.copyOf(privileges.getOrDefault(user, Set.of()));
    }

    /** The global privileges of {@code SHOW GRANTS} lines such as {@code GRANT RELOAD, PROCESS ON *.* TO `backup`@`%`}. */
    static Set<String> fromGrantLines(List<String> lines) {
        Set<String> held = new HashSet<>();
        for (String line : lines) {
            Matcher m = GLOBAL_GRANT.matcher(line.trim());
            if (m.matches()) {
                held.addAll(normalize(List.of(m.group(1).split(","))));
            }
        }
        return held;
    }

    static boolean has(Set<String> held, String privilege) {
        return held.contains(ALL) || held.contains(privilege);
    }

    private static Set<String> normalize(List<String> names) {
        Set<String> out = new HashSet<>();
        for (String n : names) {
            String p = n.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
            out.add(p.equals("ALL") ? ALL : p);
        }
        return out;
    }
}
