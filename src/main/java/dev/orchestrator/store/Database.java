package dev.orchestrator.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite database: opened once per process, schema checked and migrated at open, then used
 * through {@link #read} and {@link #write}. WAL journal, foreign keys on, a busy timeout, and
 * durable commits by default.
 *
 * <p>Threads: the one connection is guarded by {@link #lock}; any thread may call read and write,
 * and calls run one at a time.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** The newest schema this build knows: the highest {@code V<n>__*.sql} in db/migration. */
    public static final int SCHEMA_VERSION = 5;

    static final int BUSY_TIMEOUT_MILLIS = 10_000;

    static {
        // jOOQ prints a banner and tips on first use unless told not to.
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
    }

    /** How hard each commit pushes to the disk. */
    public enum Durability {
        /** A commit survives power loss (SQLite synchronous=FULL). */
        FULL,
        /** A commit survives the process being killed, not necessarily power loss (synchronous=NORMAL). */
        NORMAL
    }

    private final Path file;
    private final Connection connection;
    private final DSLContext dsl;
    private final ReentrantLock lock = new ReentrantLock();
    private final GroupCommitWriter writer;

    private Database(Path file, Connection connection, Connection writeConnection) {
        this.file = file;
        this.connection = connection;
        this.dsl = dsl(connection);
        this.writer = new GroupCommitWriter(file, writeConnection, dsl(writeConnection));
    }

    private static DSLContext dsl(Connection connection) {
        return DSL.using(
                connection,
                SQLDialect.SQLITE,
                new Settings().withExecuteLogging(false).withRenderSchema(false));
    }

    /**
     * Opens (creating if needed) the database at {@code file}, migrating an older schema and
     * refusing one written by a newer Orchestrator.
     *
     * @throws StoreException with what to do, when the file cannot be used
     */
    public static Database open(Path file, Durability durability) {
        Path absolute = file.toAbsolutePath();
        try {
            Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new StoreException(
                    "cannot create the folder " + absolute.getParent() + " for the database (" + e.getMessage()
                            + "); check permissions or set ORCHESTRATOR_HOME to a writable folder.",
                    e);
        }
        String url = "jdbc:sqlite:" + absolute;
        // Serialises the schema check and migration between processes starting at the same time.
        Path lockFile = absolute.resolveSibling(absolute.getFileName() + ".migrate-lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock _ = channel.lock()) {
            prepareSchema(absolute, url);
        } catch (IOException e) {
            throw new StoreException("cannot lock " + absolute + " for its schema check: " + e.getMessage(), e);
        }
        try {
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.enforceForeignKeys(true);
            config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
            config.setSynchronous(
                    durability == Durability.FULL
                            ? SQLiteConfig.SynchronousMode.FULL
                            : SQLiteConfig.SynchronousMode.NORMAL);
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            // sqlite-jdbc would otherwise run a query for the generated key after every INSERT; one
            // that is asked for (getGeneratedKeys) is still fetched then
            config.setGetGeneratedKeys(false);
            // Reads and writes use separate connections: in WAL mode a read never waits for a commit.
            return new Database(absolute, config.createConnection(url), config.createConnection(url));
        } catch (SQLException e) {
            throw StoreException.explain(absolute, e);
        }
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /** Runs a query. */
    public <T> T read(Function<DSLContext, T> query) {
        return locked(connection -> query.apply(dsl));
    }

    /**
     * Runs a query on the plain JDBC connection. For the few queries on the path to the first
     * prompt, where jOOQ's one-time start-up cost would be felt; everything else uses {@link #read}.
     */
    <T> T readJdbc(JdbcQuery<T> query) {
        return locked(query);
    }

    /**
     * Runs {@code work} in one transaction, all of it or none of it, and returns once it is
     * committed. Concurrent writes share a commit (see {@link GroupCommitWriter}).
     */
    public <T> T write(Function<DSLContext, T> work) {
        return writer.write(writes -> work.apply(writes.dsl()));
    }

    /**
     * Like {@link #write}, for the store's own changes: with the writer's kept prepared statements
     * as well as jOOQ (see {@link Writes}).
     */
    <T> T change(Change<T> work) {
        return writer.write(work);
    }

    /**
     * What the writer has done since the database was opened, for benchmarks and diagnostics.
     *
     * @param transactions commits made (each one disk sync)
     * @param changes {@link #write} calls committed in them
     * @param working time spent running the changes, inside transactions
     * @param committing time spent in {@code COMMIT}: the sync, and a WAL checkpoint when one is due
     */
    public record WriteStats(long transactions, long changes, Duration working, Duration committing) {}

    /** See {@link WriteStats}. */
    public WriteStats writeStats() {
        return writer.stats();
    }

    /** A change on the write connection; it may run twice (see {@link GroupCommitWriter}). */
    @FunctionalInterface
    interface Change<T> {
        T apply(Writes writes) throws SQLException;
    }

    /** A query on a JDBC connection. */
    @FunctionalInterface
    interface JdbcQuery<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs on the connection under the lock, turning SQLite failures into messages a person can act on. */
    private <T> T locked(JdbcQuery<T> work) {
        lock.lock();
        try {
            return work.run(connection);
        } catch (SQLException | DataAccessException e) {
            throw StoreException.explain(file, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        writer.close();
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            log.warn("closing {} failed", file, e);
        } finally {
            lock.unlock();
        }
    }

    // ---- schema ------------------------------------------------------------------------------

    private static void prepareSchema(Path file, String url) {
        int installed;
        try (Connection plain = DriverManager.getConnection(url);
                Statement statement = plain.createStatement()) {
            statement.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
            installed = installedVersion(statement, file);
            if (installed > SCHEMA_VERSION) {
                throw new StoreException("the database " + file
                        + " was written by a newer Orchestrator (schema version "
                        + installed + "; this one knows up to " + SCHEMA_VERSION + "). Nothing was changed. Run the "
                        + "newer Orchestrator, or set ORCHESTRATOR_HOME to another folder to start afresh.");
            }
            if (installed == SCHEMA_VERSION) {
                return;
            }
            if (installed > 0) {
                Path backup = file.resolveSibling(file.getFileName() + ".v" + installed + ".bak");
                statement.execute("VACUUM INTO '" + backup.toString().replace("'", "''") + "'");
                log.info("backed up {} (schema version {}) to {} before migrating", file, installed, backup);
            }
        } catch (SQLException e) {
            throw StoreException.explain(file, e);
        }
        migrate(file, url, installed);
    }

    /** 0 for an empty database; refuses a database that is not Orchestrator's or whose migration failed. */
    private static int installedVersion(Statement statement, Path file) throws SQLException {
        boolean hasHistory;
        try (ResultSet rs = statement.executeQuery(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'flyway_schema_history'")) {
            hasHistory = rs.next() && rs.getInt(1) > 0;
        }
        if (!hasHistory) {
            try (ResultSet rs = statement.executeQuery(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
                if (rs.next() && rs.getInt(1) > 0) {
                    throw new StoreException("the file " + file + " is an SQLite database, but not Orchestrator's; "
                            + "nothing was changed. Move it aside, or set ORCHESTRATOR_HOME to another folder.");
                }
            }
            return 0;
        }
        try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success = 0")) {
            if (rs.next() && rs.getInt(1) > 0) {
                throw new StoreException("an earlier schema migration of " + file + " failed part-way. Restore the "
                        + "backup next to it (" + file.getFileName() + ".v*.bak) or move the file aside.");
            }
        }
        try (ResultSet rs = statement.executeQuery("SELECT max(CAST(version AS INTEGER)) FROM flyway_schema_history"
                + " WHERE success = 1 AND version IS NOT NULL")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static void migrate(Path file, String url, int from) {
        try {
            var result = Flyway.configure(Database.class.getClassLoader())
                    .dataSource(url, null, null)
                    .locations("classpath:db/migration")
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
            log.info(
                    "migrated {} from schema version {} to {} ({} migrations)",
                    file,
                    from,
                    result.targetSchemaVersion,
                    result.migrationsExecuted);
        } catch (FlywayException e) {
            throw new StoreException(
                    "migrating the database " + file + " to schema version " + SCHEMA_VERSION
                            + " failed: " + e.getMessage().lines().findFirst().orElse("") + ". Nothing was lost: the "
                            + "migration runs in a transaction"
                            + (from > 0 ? " and a backup was made next to the file" : "")
                            + ".",
                    e);
        }
    }
}
