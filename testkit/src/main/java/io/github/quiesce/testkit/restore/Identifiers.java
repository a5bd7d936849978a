package io.github.quiesce.testkit.restore;

import java.util.regex.Pattern;

/** Schema, table and column names come from the server and go into SQL text, so only plain names pass. */
final class Identifiers {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_]{1,64}");

    private Identifiers() {}

    /** The name, back-quoted, once it is known to be plain. */
    static String quoted(String name) {
        if (name == null || !PLAIN.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain identifier: " + name);
        }
        return "`" + name + "`";
    }

    static String qualified(String schema, String table) {
        return quoted(schema) + "." + quoted(table);
    }
}
