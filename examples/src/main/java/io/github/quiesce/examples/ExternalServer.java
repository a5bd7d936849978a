package io.github.quiesce.examples;

import com.mysql.cj.jdbc.MysqlDataSource;
import javax.sql.DataSource;

/** The server named on the command line, shared by the demo, the examples and the CLI. */
final class ExternalServer {

    private ExternalServer() {
    }

    /**
     * @param passwordEnv the name of the environment variable holding the password, or null for none: a
     *                    password given as an argument would show in the process list
     */
    static DataSource dataSource(String url, String user, String passwordEnv) {
        MysqlDataSource ds = new MysqlDataSource();
        ds.setURL(requireJdbcUrl(url));
        ds.setUser(user);
        ds.setPassword(password(passwordEnv));
        return ds;
    }

    static String requireJdbcUrl(String url) {
        if (!url.startsWith("jdbc:mysql:") && !url.startsWith("jdbc:mariadb:")) {
            // Only the scheme is echoed: the rest of a malformed URL may hold a password.
            int colon = url.indexOf(':');
            throw new IllegalArgumentException("--url must be a jdbc:mysql: URL, got one starting with '"
                    + (colon < 0 ? "(no scheme)" : url.substring(0, Math.min(colon + 1, 16))) + "'");
        }
        return url;
    }

    static String password(String passwordEnv) {
        String password = passwordEnv == null ? "" : System.getenv(passwordEnv);
        if (password == null) {
            throw new IllegalArgumentException("environment variable " + passwordEnv + " is not set");
        }
        return password;
    }
}
