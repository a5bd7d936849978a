package io.github.quiesce.internal;

import java.sql.SQLException;
import java.util.regex.Pattern;

/** Makes JDBC URLs safe to print: credentials in the authority or in parameters are masked. */
public final class JdbcUrls {

    private static final Pattern USER_INFO = Pattern.compile("(//)[^/@?\\s'\"]*@");
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)((?:password|pwd|passwd|password1|password2|password3|sslpassword|trustCertificateKeyStorePassword|clientCertificateKeyStorePassword)=)[^&;'\"\\s]*");
    private static final Pattern HOST_PORT = Pattern.compile("//(?:[^/@?]*@)?([^/?;]+)");

    private JdbcUrls() {}

    /** The URL with every password parameter and any {@code user:password@} part replaced by {@code ***}. */
    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        String masked = USER_INFO.matcher(url).replaceAll("$1***@");
        return SECRET_PARAM.matcher(masked).replaceAll("$1***");
    }

    /**
     * A driver exception safe to keep as a cause and to log: drivers quote the URL they could not use,
     * credentials included (Connector/J: "cannot handle a connection string '...password=...'"). Returns
     * the same exception when there is nothing to mask, else a copy with the masked message, the same
     * SQLState, vendor code and stack trace.
     */
    public static SQLException scrub(SQLException e) {
        String message = e.getMessage();
        String masked = mask(message);
        if (message == null || message.equals(masked)) {
            return e;
        }
        SQLException copy = new SQLException(masked, e.getSQLState(), e.getErrorCode());
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }

    /** Just {@code host:port} (or the hosts list) of a JDBC URL, or "" when it has none. */
    public static String hostAndPort(String url) {
        if (url == null) {
            return "";
        }
        var m = HOST_PORT.matcher(url);
        return m.find() ? m.group(1) : "";
    }
}
