package dev.orchestrator.agent.claude;

import dev.orchestrator.agent.Usage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import tools.jackson.databind.JsonNode;

/** One thing Claude Code reported on a line of {@code --output-format stream-json}. */
sealed interface ClaudeEvent {

    /** {@code system/init}: the session has started. */
    record Init(String sessionId, String model, List<String> tools, String version) implements ClaudeEvent {
        public Init {
            Objects.requireNonNull(sessionId, "sessionId");
            tools = List.copyOf(tools);
        }
    }

    /**
     * The usage an {@code assistant} line carries: the usage at the start of its message (one line
     * per content block repeats it), so it counts once per message id.
     */
    record MessageUsage(String messageId, Usage usage) implements ClaudeEvent {}

    /**
     * A text block of an assistant message.
     *
     * @param error the kind of API failure ({@code rate_limit}, {@code authentication_failed}) when
     *     the CLI made this message up to report one
     */
    record AssistantText(String text, Optional<String> error) implements ClaudeEvent {}

    /** A tool call of an assistant message. */
    record ToolUse(String id, String name, JsonNode input) implements ClaudeEvent {}

    /** A tool's answer, sent back to the model. */
    record ToolResult(String toolUseId, boolean isError, String content) implements ClaudeEvent {}

    /** {@code system/api_retry}: an API call failed and the CLI retries it after a pause. */
    record ApiRetry(int attempt, int maxRetries, double delayMillis, OptionalInt errorStatus, String error)
            implements ClaudeEvent {}

    /**
     * The last line of a run.
     *
     * @param subtype {@code success} (also for API errors), {@code error_max_turns}, {@code
     *     error_during_execution}
     * @param text the last assistant message; absent for some errors
     * @param errors the CLI's own error messages ({@code errors}), if any
     * @param deniedTools the tools whose use was refused, in order
     */
    record Result(
            String subtype,
            boolean isError,
            OptionalInt apiErrorStatus,
            Optional<String> text,
            Optional<String> sessionId,
            Usage usage,
            int turns,
            List<String> errors,
            List<String> deniedTools)
            implements ClaudeEvent {
        public Result {
            errors = List.copyOf(errors);
            deniedTools = List.copyOf(deniedTools);
        }
    }
}
