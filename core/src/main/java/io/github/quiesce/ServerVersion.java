package io.github.quiesce;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server version as {@code major.minor.patch}, parsed from {@code @@version}.
 *
 * <p>Parsing is strict: a string that does not start with three dot-separated numbers is rejected
 * rather than silently read as {@code 0.0.0}, because every strategy decision depends on it.
 *
 * @param major major version, e.g. 8
 * @param minor minor version, e.g. 0
 * @param patch patch version, e.g. 15
 */
public record ServerVersion(int major, int minor, int patch) implements Comparable<ServerVersion> {

    private static final Pattern LEADING_VERSION = Pattern.compile("^(\\d{1,4})\\.(\\d{1,4})\\.(\\d{1,4})");

    public ServerVersion {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException(
                    "version numbers must not be negative: " + major + "." + minor + "." + patch);
        }
    }

    /**
     * Parses the leading {@code X.Y.Z} of a server's {@code @@version}, e.g. {@code 8.0.15},
     * {@code 5.7.22-log}, {@code 11.4.5-MariaDB-log}, {@code 8.0.36-28} (Percona).
     *
     * @throws IllegalArgumentException if the text does not start with a version
     */
    public static ServerVersion parse(String text) {
        Objects.requireNonNull(text, "version text must not be null");
        Matcher m = LEADING_VERSION.matcher(text.trim());
        if (!m.find()) {
            throw new IllegalArgumentException("Unable to determine server version from '" + text + "'");
        }
        return new ServerVersion(
                Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    public static ServerVersion of(int major, int minor, int patch) {
        return new ServerVersion(major, minor, patch);
    }

    public boolean atLeast(int major, int minor, int patch) {
        return compareTo(new ServerVersion(major, minor, patch)) >= 0;
    }

    public boolean before(int major, int minor, int patch) {
        return !atLeast(major, minor, patch);
    }

    @Override
    public int compareTo(ServerVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) c = Integer.compare(minor, o.minor);
        if (c == 0) c = Integer.compare(patch, o.patch);
        return c;
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
