package io.github.quiesce.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The part of a server's log that says why it stopped, for an exception message. A server that
 * refuses an option logs the reason first and then a page of shutdown notes (MySQL 5.7: "[ERROR]
 * unknown variable 'mysqlx=OFF'" followed by ~25 "Shutting down plugin" lines), so the last lines
 * alone can miss it: every error line before the tail is kept too.
 */
public final class LogTail {

    static final int LINES = 25;
    private static final int ERROR_LINES = 15;

    private LogTail() {}

    /** "--- last lines of NAME ---" and the lines, or "" when the file is missing or empty. */
    public static String of(Path file) {
        List<String> lines;
        try {
            if (file == null || !Files.exists(file)) {
                return "";
            }
            lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "\n--- " + file.getFileName() + " unreadable: " + e + " ---";
        }
        if (lines.isEmpty()) {
            return "";
        }
        int tailFrom = Math.max(0, lines.size() - LINES);
        List<String> errorsBefore = new ArrayList<>();
        for (String line : lines.subList(0, tailFrom)) {
            String l = line.toUpperCase(Locale.ROOT);
            if (l.contains("[ERROR]") || l.contains("ERROR:") || l.contains("FATAL")) {
                errorsBefore.add(line);
            }
        }
        StringBuilder sb = new StringBuilder();
        if (!errorsBefore.isEmpty()) {
            sb.append("\n--- errors in ").append(file.getFileName()).append(" ---\n");
            sb.append(String.join(
                    "\n", errorsBefore.subList(Math.max(0, errorsBefore.size() - ERROR_LINES), errorsBefore.size())));
        }
        sb.append("\n--- last ")
                .append(lines.size() - tailFrom)
                .append(" lines of ")
                .append(file)
                .append(" ---\n");
        sb.append(String.join("\n", lines.subList(tailFrom, lines.size())));
        return sb.toString();
    }

    /** The last lines of a program's captured output, or "" when it printed nothing. */
    static String ofOutput(String output) {
        String trimmed = output == null ? "" : output.strip();
        if (trimmed.isEmpty()) {
            return "";
        }
        String[] lines = trimmed.split("\n");
        int from = Math.max(0, lines.length - LINES);
        return "\n--- last " + (lines.length - from) + " lines of its output ---\n"
                + String.join("\n", java.util.Arrays.asList(lines).subList(from, lines.length));
    }
}
