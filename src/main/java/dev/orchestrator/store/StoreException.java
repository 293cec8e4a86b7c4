package dev.orchestrator.store;

import dev.orchestrator.OrchestratorException;
import java.nio.file.Path;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** The database cannot do what was asked. The message says why in the person's terms and what to do. */
public final class StoreException extends OrchestratorException {

    StoreException(String message) {
        super(message);
    }

    StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The database could not be opened or used at all: exit like a usage problem. */
    @Override
    public int exitCode() {
        return 2;
    }

    /** Explains a SQLite failure on the database at {@code file}; the failed change was rolled back. */
    static StoreException explain(Path file, Throwable failure) {
        SQLException sql = findSqlException(failure);
        SQLiteErrorCode code = sql instanceof SQLiteException sqlite ? sqlite.getResultCode() : null;
        int primary = code == null ? -1 : code.code & 0xff;
        String message = switch (primary) {
            case 13 ->
                "the disk holding " + file + " is full; the last change was not saved and nothing already "
                        + "saved was lost. Free some space and try again.";
            case 5, 6 ->
                "the database " + file + " stayed locked by another process for too long; nothing was "
                        + "changed. Try again, or close the other Orchestrator using it.";
            case 8 ->
                "the database " + file + " is read-only; nothing was changed. Check the file's and folder's "
                        + "permissions.";
            case 11, 26 ->
                "the file " + file + " is not a usable Orchestrator database (damaged or not SQLite). "
                        + "Move it aside (and restore a backup if you have one), or set ORCHESTRATOR_HOME to another "
                        + "folder.";
            case 14 -> "the database " + file + " cannot be opened; check that its folder exists and is writable.";
            case 10 ->
                "reading or writing " + file + " failed at the disk level (" + firstLine(sql) + "); "
                        + "check the disk, then try again.";
            default -> "the database " + file + " failed: " + (sql == null ? firstLine(failure) : firstLine(sql));
        };
        return new StoreException(message, failure);
    }

    private static SQLException findSqlException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    private static String firstLine(Throwable t) {
        String message = t.getMessage();
        return message == null
                ? t.getClass().getSimpleName()
                : message.lines().findFirst().orElse("");
    }
}
