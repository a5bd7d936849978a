package io.github.quiesce.it;

import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #15, every server users run: the six versions the testkit can start, each as a source with
 * binary log and GTIDs and as a GTID replica pair, under every strategy (see {@link VersionCells}).
 * Versions run one after the other, so only one pair is up at a time. The run ends with the version ×
 * strategy table on stdout and in {@code target/version-matrix.md}.
 */
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
@ExtendWith(VersionMatrix.Recorder.class)
class VersionMatrixIT {

    static final Path REPORT = Path.of("target", "version-matrix.md");

    @AfterAll
    static void printTheMatrix() throws Exception {
        String md = VersionMatrix.render(
                "Version matrix, " + LocalDate.now() + " (VersionMatrixIT: each version as a source with binary log"
                        + " and GTIDs, and as a GTID replica pair; x/y = contract tests passed)\n\n");
        System.out.println("\n" + md);
        VersionMatrix.write(REPORT, md);
    }

    @Nested
    @Order(1)
    @DisplayName("MySQL 5.7.22")
    class MySql57 extends VersionCells {
        MySql57() {
            super(MatrixVersion.MYSQL_5_7_22);
        }
    }

    @Nested
    @Order(2)
    @DisplayName("MySQL 8.0.12")
    class MySql8012 extends VersionCells {
        MySql8012() {
            super(MatrixVersion.MYSQL_8_0_12);
        }
    }

    @Nested
    @Order(3)
    @DisplayName("MySQL 8.0.15")
    class MySql8015 extends VersionCells {
        MySql8015() {
            super(MatrixVersion.MYSQL_8_0_15);
        }
    }

    @Nested
    @Order(4)
    @DisplayName("MariaDB 10.2.11")
    class MariaDb102 extends VersionCells {
        MariaDb102() {
            super(MatrixVersion.MARIADB_10_2_11);
        }
    }

    @Nested
    @Order(5)
    @DisplayName("MariaDB 10.11.5")
    class MariaDb1011 extends VersionCells {
        MariaDb1011() {
            super(MatrixVersion.MARIADB_10_11_5);
        }
    }

    @Nested
    @Order(6)
    @DisplayName("MariaDB 11.4.5")
    class MariaDb114 extends VersionCells {
        MariaDb114() {
            super(MatrixVersion.MARIADB_11_4_5);
        }
    }
}
