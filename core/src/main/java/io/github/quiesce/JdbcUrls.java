package io.github.quiesce;

import java.util.regex.Pattern;

/** Makes JDBC URLs safe to print: credentials in the authority or in parameters are masked. */
public final class JdbcUrls {

    private static final Pattern USER_INFO = Pattern.compile("(//)[^/@?]*@");
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)((?:password|pwd|passwd|password1|password2|password3|sslpassword|trustCertificateKeyStorePassword|clientCertificateKeyStorePassword)=)[^&;]*");
    private static final Pattern HOST_PORT = Pattern.compile("//(?:[^/@?]*@)?([^/?;]+)");

    private JdbcUrls() {
    }

    /** The URL with every password parameter and any {@code user:password@} part replaced by {@code ***}. */
    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        String masked = USER_INFO.matcher(url).replaceAll("$1***@");
        return SECRET_PARAM.matcher(masked).replaceAll("$1***");
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
