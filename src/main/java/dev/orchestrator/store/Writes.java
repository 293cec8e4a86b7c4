package dev.orchestrator.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a change can use on the write connection: jOOQ, and prepared statements compiled once and
 * kept for the statements every transition runs, so that the writer thread only binds and executes
 * them (rendering and compiling a statement cost more than running it).
 *
 * <p>Threads: owned by the {@code store-writer} thread, like the connection under it.
 */
final class Writes {
    private static final Logger log = LoggerFactory.getLogger(Writes.class);

    private final Connection connection;
    private final DSLContext dsl;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    Writes(Connection connection, DSLContext dsl) {
        this.connection = connection;
        this.dsl = dsl;
    }

    /** jOOQ on the write connection, for the changes that are not made for every transition. */
    DSLContext dsl() {
        return dsl;
    }

    /**
     * The statement for {@code sql}, prepared on first use and kept. Set every parameter before each
     * execution, and close the result sets it returns, so that the transaction can end.
     */
    PreparedStatement prepared(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    /** Runs a statement without parameters or results, such as {@code COMMIT}. */
    void execute(String sql) throws SQLException {
        prepared(sql).execute();
    }

    /** Closes the kept statements and the connection. */
    void close() {
        for (PreparedStatement statement : statements.values()) {
            try {
                statement.close();
            } catch (SQLException e) {
                log.debug("closing a kept statement failed", e);
            }
        }
        statements.clear();
        try {
            connection.close();
        } catch (SQLException e) {
            log.warn("closing the write connection failed", e);
        }
    }
}
