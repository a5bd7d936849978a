package io.github.quiesce.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JdbcUrlsTest {

    @Test
    void masksPasswordsInParametersAndUserInfo() {
        assertThat(JdbcUrls.mask("jdbc:mysql://db:3306/x?user=bob&password=s3cret&useSSL=true"))
                .isEqualTo("jdbc:mysql://db:3306/x?user=bob&password=***&useSSL=true");
        assertThat(JdbcUrls.mask("jdbc:mysql://bob:s3cret@db:3306/x"))
                .isEqualTo("jdbc:mysql://***@db:3306/x")
                .doesNotContain("s3cret");
        assertThat(JdbcUrls.mask("jdbc:mysql://db/?trustCertificateKeyStorePassword=abc"))
                .doesNotContain("abc");
    }

    @Test
    void hostAndPortNeverCarriesCredentials() {
        assertThat(JdbcUrls.hostAndPort("jdbc:mysql://bob:pw@127.0.0.1:3306/db?x=y"))
                .isEqualTo("127.0.0.1:3306");
        assertThat(JdbcUrls.hostAndPort("jdbc:mysql://h1:1,h2:2/")).isEqualTo("h1:1,h2:2");
        assertThat(JdbcUrls.hostAndPort(null)).isEmpty();
    }
}
