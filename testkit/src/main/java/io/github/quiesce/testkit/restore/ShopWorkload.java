package io.github.quiesce.testkit.restore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The writes a wrong point cannot hide from. Schema {@code shop} has two keyed tables and {@code events}
 * with no key at all: replaying a change there twice duplicates a row or fails to find one, instead of
 * being absorbed by a key. Each writer mixes single-row autocommit INSERTs with transactions that insert
 * into one table, update another and sometimes delete, so a point that splits a transaction, or misses
 * one that was committing, leaves rows that differ. Bounded: writers stop on {@link #close()} or after
 * {@code maxTransactionsPerWriter}. Deadlocks and lock wait timeouts (the no-key table's updates scan and
 * lock it) are rolled back and counted, not errors.
 */
public final class ShopWorkload implements AutoCloseable {

    public static final String SCHEMA = "shop";
    /** Tags spread the no-key table's rows into groups its updates and deletes pick from. */
    private static final int TAGS = 40;

    private static final int SEED_ROWS = 20;
    private static final int ER_LOCK_WAIT_TIMEOUT = 1205;
    private static final int ER_LOCK_DEADLOCK = 1213;
    /** What a row-lock wait caught in a deadlock with a cancelled table flush gets instead of 1205: quiesce ends it. */
    private static final int ER_QUERY_INTERRUPTED = 1317;

    private static final String[] DDL = {
        "DROP DATABASE IF EXISTS shop",
        "CREATE DATABASE shop",
        "CREATE TABLE shop.customers (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL,"
                + " balance BIGINT NOT NULL, tag INT NOT NULL) ENGINE=InnoDB",
        "CREATE TABLE shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer_id BIGINT NOT NULL,"
                + " amount BIGINT NOT NULL, status VARCHAR(16) NOT NULL) ENGINE=InnoDB",
        // No primary key, no unique key, no index: row events are matched on the whole row.
        "CREATE TABLE shop.events (writer INT NOT NULL, kind VARCHAR(16) NOT NULL, tag INT NOT NULL,"
                + " amount BIGINT NOT NULL, note VARCHAR(40) NULL) ENGINE=InnoDB",
    };

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final AtomicLong lastCustomer = new AtomicLong(SEED_ROWS);
    private final AtomicLong lastOrder = new AtomicLong(SEED_ROWS);
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    private ShopWorkload() {}

    /**
     * Drops and re-creates {@code shop} with {@value #SEED_ROWS} rows per table, so each round starts
     * small (a short dump and comparison) and a long query has a row to sleep on.
     */
    public static void recreate(DataSource admin) {
        try (Connection c = admin.getConnection();
                Statement st = c.createStatement()) {
            for (String ddl : DDL) {
                st.execute(ddl);
            }
            StringBuilder customers = new StringBuilder("INSERT INTO shop.customers (name, balance, tag) VALUES ");
            StringBuilder orders = new StringBuilder("INSERT INTO shop.orders (customer_id, amount, status) VALUES ");
            StringBuilder events =
                    new StringBuilder("INSERT INTO shop.events (writer, kind, tag, amount, note) VALUES ");
            for (int i = 1; i <= SEED_ROWS; i++) {
                String sep = i == 1 ? "" : ",";
                customers
                        .append(sep)
                        .append("('seed-")
                        .append(i)
                        .append("', 0, ")
                        .append(i % TAGS)
                        .append(')');
                orders.append(sep).append('(').append(i).append(", ").append(i).append(", 'new')");
                events.append(sep)
                        .append("(-1, 'seed', ")
                        .append(i % TAGS)
                        .append(", ")
                        .append(i)
                        .append(", NULL)");
            }
            st.execute(customers.toString());
            st.execute(orders.toString());
            st.execute(events.toString());
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create schema shop: " + e.getMessage(), e);
        }
    }

    /** {@code writers} threads, each on its own connection from {@code dataSource}, until {@link #close()}. */
    public static ShopWorkload start(DataSource dataSource, int writers, long maxTransactionsPerWriter) {
        ShopWorkload w = new ShopWorkload();
        for (int i = 0; i < writers; i++) {
            int writer = i;
            Thread t = new Thread(() -> w.run(dataSource, writer, maxTransactionsPerWriter), "shop-writer-" + i);
            t.setDaemon(true);
            w.threads.add(t);
            t.start();
        }
        return w;
    }

    /** Four writers, each bounded far beyond what a round of a second writes. */
    public static ShopWorkload start(DataSource dataSource) {
        return start(dataSource, 4, 1_000_000);
    }

    private void run(DataSource dataSource, int writer, long max) {
        try (Connection c = dataSource.getConnection();
                Writer w = new Writer(c, writer)) {
            // A short wait: a conflict should cost a retry, not the round's whole writing time.
            w.execute("SET SESSION innodb_lock_wait_timeout = 2");
            for (long done = 0; running.get() && done < max; ) {
                try {
                    if (w.random.nextBoolean()) {
                        w.insertInto(w.random.nextInt(3));
                    } else {
                        w.transaction();
                    }
                    committed.incrementAndGet();
                    done++;
                } catch (SQLException e) {
                    w.rollbackQuietly();
                    if (e.getErrorCode() != ER_LOCK_DEADLOCK
                            && e.getErrorCode() != ER_LOCK_WAIT_TIMEOUT
                            && e.getErrorCode() != ER_QUERY_INTERRUPTED) {
                        throw e;
                    }
                    conflicts.incrementAndGet();
                }
            }
        } catch (SQLException e) {
            if (running.get()) {
                errors.add("shop-writer-" + writer + ": " + e.getErrorCode() + " " + e.getMessage());
            }
        }
    }

    /** One writer's connection and statements; tables are numbered 0 customers, 1 orders, 2 events. */
    private final class Writer implements AutoCloseable {
        private final Connection c;
        private final int writer;
        private final ThreadLocalRandom random = ThreadLocalRandom.current();
        private final Statement plain;
        private final PreparedStatement[] insert = new PreparedStatement[3];
        private final PreparedStatement[] update = new PreparedStatement[3];
        private final PreparedStatement[] delete = new PreparedStatement[3];

        Writer(Connection c, int writer) throws SQLException {
            this.c = c;
            this.writer = writer;
            this.plain = c.createStatement();
            insert[0] = c.prepareStatement(
                    "INSERT INTO shop.customers (name, balance, tag) VALUES (?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS);
            insert[1] = c.prepareStatement(
                    "INSERT INTO shop.orders (customer_id, amount, status) VALUES (?, ?, 'new')",
                    Statement.RETURN_GENERATED_KEYS);
            insert[2] = c.prepareStatement(
                    "INSERT INTO shop.events (writer, kind, tag, amount, note) VALUES (?, 'insert', ?, ?, NULL)");
            update[0] = c.prepareStatement("UPDATE shop.customers SET balance = balance + ?, tag = ? WHERE id = ?");
            update[1] = c.prepareStatement("UPDATE shop.orders SET amount = amount + ?, status = ? WHERE id = ?");
            // By a non-unique column: every row of the tag changes, each found by its whole image on replay.
            update[2] = c.prepareStatement("UPDATE shop.events SET amount = amount + ?, note = ? WHERE tag = ?");
            delete[0] = c.prepareStatement("DELETE FROM shop.customers WHERE id = ?");
            delete[1] = c.prepareStatement("DELETE FROM shop.orders WHERE id = ?");
            delete[2] = c.prepareStatement("DELETE FROM shop.events WHERE tag = ? LIMIT 1");
        }

        void execute(String sql) throws SQLException {
            plain.execute(sql);
        }

        void transaction() throws SQLException {
            int first = random.nextInt(3);
            int second = (first + 1 + random.nextInt(2)) % 3;
            execute("START TRANSACTION");
            insertInto(first);
            updateIn(second);
            if (random.nextInt(4) == 0) {
                deleteFrom(random.nextInt(3));
            }
            execute("COMMIT");
        }

        void insertInto(int table) throws SQLException {
            PreparedStatement ps = insert[table];
            long amount = random.nextLong(1, 1_000);
            switch (table) {
                case 0 -> {
                    ps.setString(1, "w" + writer + "-" + amount);
                    ps.setLong(2, amount);
                    ps.setInt(3, random.nextInt(TAGS));
                }
                case 1 -> {
                    ps.setLong(1, random.nextLong(1, lastCustomer.get() + 1));
                    ps.setLong(2, amount);
                }
                default -> {
                    ps.setInt(1, writer);
                    ps.setInt(2, random.nextInt(TAGS));
                    ps.setLong(3, amount);
                }
            }
            ps.executeUpdate();
            if (table < 2) {
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    if (keys.next()) {
                        (table == 0 ? lastCustomer : lastOrder).accumulateAndGet(keys.getLong(1), Math::max);
                    }
                }
            }
        }

        void updateIn(int table) throws SQLException {
            PreparedStatement ps = update[table];
            ps.setLong(1, random.nextLong(1, 100));
            switch (table) {
                case 0 -> {
                    ps.setInt(2, random.nextInt(TAGS));
                    ps.setLong(3, randomId(lastCustomer));
                }
                case 1 -> {
                    ps.setString(2, random.nextBoolean() ? "paid" : "shipped");
                    ps.setLong(3, randomId(lastOrder));
                }
                default -> {
                    ps.setString(2, "w" + writer);
                    ps.setInt(3, random.nextInt(TAGS));
                }
            }
            ps.executeUpdate();
        }

        void deleteFrom(int table) throws SQLException {
            PreparedStatement ps = delete[table];
            if (table == 2) {
                ps.setInt(1, random.nextInt(TAGS));
            } else {
                ps.setLong(1, randomId(table == 0 ? lastCustomer : lastOrder));
            }
            ps.executeUpdate();
        }

        private long randomId(AtomicLong last) {
            return random.nextLong(1, last.get() + 1);
        }

        void rollbackQuietly() {
            try {
                execute("ROLLBACK");
            } catch (SQLException ignored) {
                // The connection is gone; the next statement says so.
            }
        }

        @Override
        public void close() throws SQLException {
            plain.close();
        }
    }

    /** Transactions committed so far (autocommit INSERTs and multi-statement ones alike). */
    public long committed() {
        return committed.get();
    }

    /** Deadlocks and lock wait timeouts rolled back so far. */
    public long conflicts() {
        return conflicts.get();
    }

    /** Failures other than conflicts; each ended its writer. */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** Blocks until {@code n} transactions have committed, or the timeout passes. */
    public void awaitCommitted(long n, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (committed.get() < n && errors.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
    }

    /** Stops every writer and waits for it: after this the source takes no more writes from the workload. */
    @Override
    public void close() {
        running.set(false);
        for (Thread t : threads) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
