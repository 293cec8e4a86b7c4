package dev.orchestrator.agent.claude;

import dev.orchestrator.agent.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads lines of Claude Code's {@code --output-format stream-json}. Anything else on the line
 * (standard error is merged in, a line cut short, an event type or field this version does not
 * know) gives no events: it is never an error.
 */
final class StreamJson {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private StreamJson() {}

    /** The events on one line of output, in order; none for a line that is not a known event. */
    static List<ClaudeEvent> parse(String line) {
        String trimmed = line.strip();
        if (!trimmed.startsWith("{")) {
            return List.of();
        }
        JsonNode node;
        try {
            node = JSON.readTree(trimmed);
        } catch (JacksonException e) {
            return List.of();
        }
        if (node == null || !node.isObject()) {
            return List.of();
        }
        return switch (node.path("type").asString("")) {
            case "system" -> system(node);
            case "assistant" -> assistant(node);
            case "user" -> toolResults(node);
            case "result" -> List.of(result(node));
            default -> List.of();
        };
    }

    private static List<ClaudeEvent> system(JsonNode node) {
        return switch (node.path("subtype").asString("")) {
            case "init" ->
                node.path("session_id").isString()
                        ? List.of(new ClaudeEvent.Init(
                                node.path("session_id").asString(),
                                node.path("model").asString(""),
                                strings(node.path("tools")),
                                node.path("claude_code_version").asString("")))
                        : List.of();
            case "api_retry" ->
                List.of(new ClaudeEvent.ApiRetry(
                        node.path("attempt").asInt(0),
                        node.path("max_retries").asInt(0),
                        node.path("retry_delay_ms").asDouble(0),
                        optionalInt(node.path("error_status")),
                        node.path("error").asString("")));
            default -> List.of();
        };
    }

    private static List<ClaudeEvent> assistant(JsonNode node) {
        JsonNode message = node.path("message");
        List<ClaudeEvent> events = new ArrayList<>();
        if (message.path("usage").isObject() && message.path("id").isString()) {
            events.add(new ClaudeEvent.MessageUsage(message.path("id").asString(), usage(message.path("usage"), 0)));
        }
        Optional<String> error = text(node.path("error"));
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asString("")) {
                case "text" ->
                    events.add(new ClaudeEvent.AssistantText(block.path("text").asString(""), error));
                case "tool_use" ->
                    events.add(new ClaudeEvent.ToolUse(
                            block.path("id").asString(""), block.path("name").asString("?"), block.path("input")));
                default -> {}
            }
        }
        return events;
    }

    private static List<ClaudeEvent> toolResults(JsonNode node) {
        List<ClaudeEvent> events = new ArrayList<>();
        for (JsonNode block : node.path("message").path("content")) {
            if (block.path("type").asString("").equals("tool_result")) {
                events.add(new ClaudeEvent.ToolResult(
                        block.path("tool_use_id").asString(""),
                        block.path("is_error").asBoolean(false),
                        content(block.path("content"))));
            }
        }
        return events;
    }

    private static ClaudeEvent.Result result(JsonNode node) {
        List<String> denied = new ArrayList<>();
        for (JsonNode denial : node.path("permission_denials")) {
            denied.add(denial.path("tool_name").asString("?"));
        }
        return new ClaudeEvent.Result(
                node.path("subtype").asString(""),
                node.path("is_error").asBoolean(false),
                optionalInt(node.path("api_error_status")),
                text(node.path("result")),
                text(node.path("session_id")),
                usage(node.path("usage"), micros(node.path("total_cost_usd").asDouble(0))),
                node.path("num_turns").asInt(0),
                strings(node.path("errors")),
                denied);
    }

    private static Usage usage(JsonNode usage, long costMicros) {
        return new Usage(
                usage.path("input_tokens").asLong(0),
                usage.path("output_tokens").asLong(0),
                usage.path("cache_read_input_tokens").asLong(0),
                usage.path("cache_creation_input_tokens").asLong(0),
                costMicros);
    }

    /** US dollars as micro-dollars, rounded. */
    static long micros(double usd) {
        return Math.round(usd * 1_000_000);
    }

    /** A tool result's content: a string, or a list of blocks whose text parts are joined. */
    private static String content(JsonNode content) {
        if (content.isString()) {
            return content.asString();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : content) {
            if (block.path("text").isString()) {
                text.append(text.isEmpty() ? "" : "\n")
                        .append(block.path("text").asString());
            }
        }
        return text.toString();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode value : array) {
            if (value.isString()) {
                values.add(value.asString());
            }
        }
        return values;
    }

    private static Optional<String> text(JsonNode node) {
        return node.isString() ? Optional.of(node.asString()) : Optional.empty();
    }

    private static OptionalInt optionalInt(JsonNode node) {
        return node.isNumber() ? OptionalInt.of(node.asInt()) : OptionalInt.empty();
    }
}
