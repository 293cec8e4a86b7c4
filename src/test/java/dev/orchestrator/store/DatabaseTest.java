package dev.orchestrator.store;

import static dev.orchestrator.store.generated.Tables.EVENTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    @TempDir
    Path dir;

    private Path dbFile() {
        return dir.resolve("nested/orchestrator.db");
    }

    @Test
    void open_createsAndMigratesAnEmptyDatabase() {
        try (Database db = Database.open(dbFile(), Database.Durability.FULL)) {
            assertThat(value(db, "SELECT max(version) FROM flyway_schema_history"))
                    .hasToString(String.valueOf(Database.SCHEMA_VERSION));
            assertThat(value(db, "SELECT count(*) FROM projects")).hasToString("0");
        }
    }

    @Test
    void open_againIsIdempotentAndKeepsData() {
        try (Database db = Database.open(dbFile(), Database.Durability.FULL)) {
            db.change(w -> {
                SqliteProjectRepository.appendEvent(w, null, Instant.EPOCH, "test", Map.of("a", "b"));
                return null;
            });
        }
        try (Database db = Database.open(dbFile(), Database.Durability.NORMAL)) {
            assertThat(count(db)).isEqualTo(1);
            assertThat(value(db, "SELECT count(*) FROM flyway_schema_history WHERE version IS NOT NULL"))
                    .hasToString(String.valueOf(Database.SCHEMA_VERSION));
        }
    }

    @Test
    void open_setsWalForeignKeysBusyTimeoutAndSynchronous() {
        try (Database db = Database.open(dbFile(), Database.Durability.FULL)) {
            assertThat(value(db, "PRAGMA journal_mode")).hasToString("wal");
            assertThat(value(db, "PRAGMA foreign_keys")).hasToString("1");
            assertThat(value(db, "PRAGMA busy_timeout")).hasToString(String.valueOf(Database.BUSY_TIMEOUT_MILLIS));
            assertThat(value(db, "PRAGMA synchronous")).hasToString("2");
        }
        try (Database db = Database.open(dbFile(), Database.Durability.NORMAL)) {
            assertThat(value(db, "PRAGMA synchronous")).hasToString("1");
        }
    }

    @Test
    void open_refusesADatabaseFromANewerVersionAndChangesNothing() throws Exception {
        Database.open(dbFile(), Database.Durability.FULL).close();
        execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                + " installed_by, execution_time, success) VALUES (99, '42', 'future', 'SQL', 'V42__future.sql', 0,"
                + " 'test', 0, 1)");
        byte[] before = Files.readAllBytes(dbFile());

        assertThatThrownBy(() -> Database.open(dbFile(), Database.Durability.FULL))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("was written by a newer Orchestrator (schema version 42; this one knows up to "
                        + Database.SCHEMA_VERSION + ")")
                .hasMessageContaining("Nothing was changed");
        assertThat(Files.readAllBytes(dbFile())).isEqualTo(before);
    }

    @Test
    void open_refusesAnotherProgramsSqliteDatabase() throws Exception {
        Files.createDirectories(dbFile().getParent());
        execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)");

        assertThatThrownBy(() -> Database.open(dbFile(), Database.Durability.FULL))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("is an SQLite database, but not Orchestrator's");
    }

    @Test
    void open_refusesAFileThatIsNotADatabase() throws IOException {
        Files.createDirectories(dbFile().getParent());
        Files.writeString(dbFile(), "this is not a database, just some text that is long enough ".repeat(50));

        assertThatThrownBy(() -> Database.open(dbFile(), Database.Durability.FULL))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("is not a usable Orchestrator database");
    }

    @Test
    void write_rollsBackEverythingWhenAnyPartFails() {
        try (Database db = Database.open(dbFile(), Database.Durability.FULL)) {
            assertThatThrownBy(() -> db.change(w -> {
                        SqliteProjectRepository.appendEvent(w, null, Instant.EPOCH, "first", Map.of());
                        throw new IllegalStateException("boom");
                    }))
                    .hasMessage("boom");
            assertThat(count(db)).isZero();
        }
    }

    @Test
    void events_areAppendOnly() {
        try (Database db = Database.open(dbFile(), Database.Durability.FULL)) {
            db.change(w -> {
                SqliteProjectRepository.appendEvent(w, null, Instant.EPOCH, "first", Map.of());
                return null;
            });
            assertThatThrownBy(() -> db.write(dsl ->
                            dsl.update(EVENTS).set(EVENTS.TYPE, "changed").execute()))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("events are append-only");
            assertThat(value(db, "SELECT type FROM events")).isEqualTo("first");
        }
    }

    @Test
    void schemaVersion_isTheNewestMigrationFile() throws IOException {
        Pattern versioned = Pattern.compile("V(\\d+)__.+\\.sql");
        int newest = 0;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Matcher m = versioned.matcher(file.getFileName().toString());
                if (m.matches()) {
                    newest = Math.max(newest, Integer.parseInt(m.group(1)));
                }
            }
        }
        assertThat(Database.SCHEMA_VERSION).isEqualTo(newest);
    }

    private static String value(Database db, String sql) {
        return db.read(dsl -> String.valueOf(dsl.fetchValue(sql)));
    }

    private static int count(Database db) {
        return db.read(dsl -> dsl.fetchCount(EVENTS));
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
