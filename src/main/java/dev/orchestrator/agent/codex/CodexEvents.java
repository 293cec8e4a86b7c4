package dev.orchestrator.agent.codex;

import dev.orchestrator.agent.codex.CodexEvent.Item;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Turns lines of {@code codex exec --json} output into {@link CodexEvent}s. Stateless and thread-safe. */
final class CodexEvents {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CodexEvents() {}

    /**
     * The event on this line; empty for anything else: log lines and warnings on standard error
     * (merged into the output), truncated or garbled JSON, unknown event types.
     */
    static Optional<CodexEvent> parse(String line) {
        String text = line.strip();
        if (!text.startsWith("{")) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JacksonException e) {
            return Optional.empty();
        }
        if (node == null || !node.isObject()) {
            return Optional.empty();
        }
        return switch (node.path("type").asString("")) {
            case "thread.started" -> string(node, "thread_id").map(CodexEvent.ThreadStarted::new);
            case "turn.started" -> Optional.of(new CodexEvent.TurnStarted());
            case "item.started" -> item(node, CodexEvent.Stage.STARTED);
            case "item.updated" -> item(node, CodexEvent.Stage.UPDATED);
            case "item.completed" -> item(node, CodexEvent.Stage.COMPLETED);
            case "turn.completed" -> Optional.of(new CodexEvent.TurnCompleted(totals(node.path("usage"))));
            case "turn.failed" ->
                Optional.of(new CodexEvent.TurnFailed(
                        node.path("error").path("message").asString("the turn failed (no message)")));
            case "error" ->
                Optional.of(new CodexEvent.StreamError(node.path("message").asString("")));
            default -> Optional.empty();
        };
    }

    private static Optional<CodexEvent> item(JsonNode event, CodexEvent.Stage stage) {
        JsonNode item = event.path("item");
        if (!item.isObject()) {
            return Optional.empty();
        }
        return Optional.of(new CodexEvent.ItemEvent(stage, item(item)));
    }

    private static Item item(JsonNode item) {
        String id = item.path("id").asString("");
        String type = item.path("type").asString("");
        String status = item.path("status").asString("");
        return switch (type) {
            case "agent_message" ->
                new CodexEvent.AgentMessage(id, item.path("text").asString(""));
            case "reasoning" -> new CodexEvent.Reasoning(id, item.path("text").asString(""));
            case "command_execution" ->
                new CodexEvent.CommandExecution(
                        id,
                        item.path("command").asString(""),
                        item.path("exit_code").isIntegralNumber()
                                ? Optional.of(item.path("exit_code").asInt())
                                : Optional.empty(),
                        status);
            case "file_change" -> new CodexEvent.FileChange(id, changes(item.path("changes")), status);
            case "todo_list" -> new CodexEvent.TodoList(id, todos(item.path("items")));
            case "mcp_tool_call" ->
                new CodexEvent.McpToolCall(
                        id, item.path("server").asString(""), item.path("tool").asString(""), status);
            case "web_search" -> new CodexEvent.WebSearch(id, item.path("query").asString(""));
            case "error" -> new CodexEvent.ErrorItem(id, item.path("message").asString(""));
            default -> new CodexEvent.OtherItem(id, type);
        };
    }

    private static List<CodexEvent.Change> changes(JsonNode array) {
        List<CodexEvent.Change> changes = new ArrayList<>();
        for (JsonNode change : array) {
            changes.add(new CodexEvent.Change(
                    change.path("path").asString(""), change.path("kind").asString("")));
        }
        return changes;
    }

    private static List<CodexEvent.Todo> todos(JsonNode array) {
        List<CodexEvent.Todo> todos = new ArrayList<>();
        for (JsonNode todo : array) {
            todos.add(new CodexEvent.Todo(
                    todo.path("text").asString(""), todo.path("completed").asBoolean(false)));
        }
        return todos;
    }

    /**
     * The thread's totals in a session (rollout) file's {@code token_count} line; empty for any
     * other line.
     */
    static Optional<TokenTotals> tokenCount(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            JsonNode payload = node == null ? null : node.path("payload");
            if (payload == null || !"token_count".equals(payload.path("type").asString(""))) {
                return Optional.empty();
            }
            JsonNode total = payload.path("info").path("total_token_usage");
            return total.isObject() ? Optional.of(totals(total)) : Optional.empty();
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    /** The {@code timestamp} of a session-file line, if it has a readable one. */
    static Optional<java.time.Instant> timestamp(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            return node == null ? Optional.empty() : string(node, "timestamp").map(java.time.Instant::parse);
        } catch (JacksonException | java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Token totals from a {@code usage} object; missing counts are zero. */
    static TokenTotals totals(JsonNode usage) {
        return new TokenTotals(
                usage.path("input_tokens").asLong(0),
                usage.path("cached_input_tokens").asLong(0),
                usage.path("output_tokens").asLong(0));
    }

    private static Optional<String> string(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() && !value.asString().isBlank() ? Optional.of(value.asString()) : Optional.empty();
    }
}
