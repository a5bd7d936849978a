package io.github.quiesce.cli;

import com.mysql.cj.jdbc.MysqlDataSource;
import javax.sql.DataSource;

/**
 * The server named on a command line ({@code --url}, {@code --user}, {@code --password-env}), shared by
 * the CLI and the examples.
 */
public final class ExternalServer {

    private ExternalServer() {}

    /**
     * A data source for the server.
     *
     * @param url         a {@code jdbc:mysql:} (or {@code jdbc:mariadb:}) URL
     * @param user        the account
     * @param passwordEnv the name of the environment variable holding the password, or null for none: a
     *                    password given as an argument would show in the process list
     * @return an unpooled data source
     * @throws IllegalArgumentException when the URL is not a MySQL one or the variable is not set
     */
    public static DataSource dataSource(String url, String user, String passwordEnv) {
        MysqlDataSource ds = new MysqlDataSource();
        ds.setURL(requireJdbcUrl(url));
        ds.setUser(user);
        ds.setPassword(password(passwordEnv));
        return ds;
    }

    /**
     * @param url what was given as {@code --url}
     * @return the URL, when it is a {@code jdbc:mysql:} or {@code jdbc:mariadb:} one
     * @throws IllegalArgumentException naming only the scheme of any other
     */
    public static String requireJdbcUrl(String url) {
        if (!url.startsWith("jdbc:mysql:") && !url.startsWith("jdbc:mariadb:")) {
            // Only the scheme is echoed: the rest of a malformed URL may hold a password.
            int colon = url.indexOf(':');
            throw new IllegalArgumentException("--url must be a jdbc:mysql: URL, got one starting with '"
                    + (colon < 0 ? "(no scheme)" : url.substring(0, Math.min(colon + 1, 16))) + "'");
        }
        return url;
    }

    /**
     * @param passwordEnv the name of the environment variable holding the password, or null for none
     * @return the password, empty for none
     * @throws IllegalArgumentException when the variable is not set
     */
    public static String password(String passwordEnv) {
        String password = passwordEnv == null ? "" : System.getenv(passwordEnv);
        if (password == null) {
            throw new IllegalArgumentException("environment variable " + passwordEnv + " is not set");
        }
        return password;
    }
}
