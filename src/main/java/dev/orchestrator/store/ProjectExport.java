package dev.orchestrator.store;

import static dev.orchestrator.store.generated.Tables.AGENT_SESSIONS;
import static dev.orchestrator.store.generated.Tables.APPROVALS;
import static dev.orchestrator.store.generated.Tables.CLARIFICATIONS;
import static dev.orchestrator.store.generated.Tables.EVENTS;
import static dev.orchestrator.store.generated.Tables.PHASES;
import static dev.orchestrator.store.generated.Tables.PHASE_OUTPUTS;
import static dev.orchestrator.store.generated.Tables.PROJECTS;
import static dev.orchestrator.store.generated.Tables.WORK_ITEMS;

import dev.orchestrator.project.ProjectId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.TableField;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A project's whole state as one JSON document (project, phases, outputs, items, agent sessions,
 * approvals, questions, events), so that people always own their data. Read in one snapshot.
 */
public final class ProjectExport {
    /** Columns that hold JSON documents: exported as JSON, not as strings. */
    private static final Set<String> JSON_COLUMNS = Set.of(
            "config_snapshot", "output", "document", "acceptance", "depends_on", "findings", "options", "payload");

    private final Database database;

    public ProjectExport(Database database) {
        this.database = database;
    }

    /** The export, or empty when there is no such project. */
    public java.util.Optional<String> export(ProjectId project) {
        return database.read(dsl -> {
            List<Map<String, Object>> rows = rows(dsl, PROJECTS, PROJECTS.ID, project);
            if (rows.isEmpty()) {
                return java.util.Optional.empty();
            }
            ObjectNode root = StoreJson.MAPPER.createObjectNode();
            root.put("format", "orchestrator.export.v1");
            root.put("exported_at", Instant.now().toString());
            root.set("project", row(rows.getFirst()));
            root.set("phases", array(rows(dsl, PHASES, PHASES.PROJECT_ID, project)));
            root.set("phase_outputs", array(rows(dsl, PHASE_OUTPUTS, PHASE_OUTPUTS.PROJECT_ID, project)));
            root.set("work_items", array(rows(dsl, WORK_ITEMS, WORK_ITEMS.PROJECT_ID, project)));
            List<Map<String, Object>> sessions = rows(dsl, AGENT_SESSIONS, AGENT_SESSIONS.PROJECT_ID, project);
            root.set("agent_sessions", array(sessions));
            root.set("spend", spend(sessions));
            root.set("approvals", array(rows(dsl, APPROVALS, APPROVALS.PROJECT_ID, project)));
            root.set("clarifications", array(rows(dsl, CLARIFICATIONS, CLARIFICATIONS.PROJECT_ID, project)));
            root.set("events", array(rows(dsl, EVENTS, EVENTS.PROJECT_ID, project)));
            return java.util.Optional.of(
                    StoreJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        });
    }

    private static final List<String> USAGE_COLUMNS =
            List.of("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "cost_micros");

    /** What the agent sessions used: in all, per phase and per work item id. */
    private static ObjectNode spend(List<Map<String, Object>> sessions) {
        ObjectNode spend = StoreJson.MAPPER.createObjectNode();
        ObjectNode total = spend.putObject("total");
        ObjectNode phases = spend.putObject("phases");
        ObjectNode items = spend.putObject("work_items");
        for (Map<String, Object> session : sessions) {
            add(total, session);
            add(
                    phases.has(session.get("phase").toString())
                            ? (ObjectNode) phases.get(session.get("phase").toString())
                            : phases.putObject(session.get("phase").toString()),
                    session);
            Object item = session.get("work_item_id");
            if (item != null) {
                add(
                        items.has(item.toString())
                                ? (ObjectNode) items.get(item.toString())
                                : items.putObject(item.toString()),
                        session);
            }
        }
        return spend;
    }

    private static void add(ObjectNode sums, Map<String, Object> session) {
        for (String column : USAGE_COLUMNS) {
            Object value = session.get(column);
            long n = value == null ? 0 : ((Number) value).longValue();
            sums.put(column, sums.path(column).asLong(0) + n);
        }
    }

    private static <R extends Record> List<Map<String, Object>> rows(
            DSLContext dsl, Table<R> table, TableField<R, Long> key, ProjectId project) {
        return dsl.selectFrom(table)
                .where(key.eq(project.value()))
                .orderBy(table.field(0))
                .fetchMaps();
    }

    private static ArrayNode array(List<Map<String, Object>> rows) {
        ArrayNode array = StoreJson.MAPPER.createArrayNode();
        rows.forEach(row -> array.add(row(row)));
        return array;
    }

    private static ObjectNode row(Map<String, Object> row) {
        ObjectNode node = StoreJson.MAPPER.createObjectNode();
        row.forEach((column, value) -> {
            if (value == null) {
                node.putNull(column);
            } else if (value instanceof String text && JSON_COLUMNS.contains(column)) {
                JsonNode parsed = StoreJson.MAPPER.readTree(text);
                node.set(column, parsed);
            } else if (value instanceof Instant instant) {
                node.put(column, instant.toString());
            } else {
                node.set(column, StoreJson.MAPPER.valueToTree(value));
            }
        });
        return node;
    }
}
