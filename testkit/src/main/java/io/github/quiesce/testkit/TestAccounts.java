package io.github.quiesce.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The statements that (re)create a test account; every name that goes into them is validated here. */
public final class TestAccounts {

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_]{1,32}");
    private static final Pattern PRIVILEGE = Pattern.compile("[A-Z_ ]{3,40}");

    private TestAccounts() {}

    /**
     * {@code user@'%'} dropped if present, created with {@code password} ({@code identified} is the clause
     * before {@code BY}, e.g. {@code IDENTIFIED WITH mysql_native_password}) and given the global
     * privileges, e.g. {@code "RELOAD", "REPLICATION CLIENT"}.
     */
    public static List<String> create(String user, String password, String identified, String... globalPrivileges) {
        if (!SAFE_NAME.matcher(user).matches() || !SAFE_NAME.matcher(password).matches()) {
            throw new IllegalArgumentException("user and password must be 1-32 letters, digits or '_'");
        }
        for (String p : globalPrivileges) {
            if (!PRIVILEGE.matcher(p).matches()) {
                throw new IllegalArgumentException("not a privilege name: " + p);
            }
        }
        String account = "'" + user + "'@'%'";
        List<String> statements = new ArrayList<>(List.of(
                "DROP USER IF EXISTS " + account,
                "CREATE USER " + account + " " + identified + " BY '" + password + "'"));
        if (globalPrivileges.length > 0) {
            statements.add("GRANT " + String.join(", ", globalPrivileges) + " ON *.* TO " + account);
        }
        return statements;
    }
}
