package dev.orchestrator.agent.codex;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of {@code codex exec --json} output (Codex CLI 0.169.0), parsed. Only what the runner
 * uses is kept; unknown event types and fields never reach here (see {@link CodexEvents#parse}).
 */
sealed interface CodexEvent {

    /** {@code thread.started}: the thread (Codex's session) id; repeated unchanged on a resume. */
    record ThreadStarted(String threadId) implements CodexEvent {
        public ThreadStarted {
            Objects.requireNonNull(threadId, "threadId");
        }
    }

    /** {@code turn.started}. */
    record TurnStarted() implements CodexEvent {}

    /** {@code item.started}, {@code item.updated} or {@code item.completed}. */
    record ItemEvent(Stage stage, Item item) implements CodexEvent {
        public ItemEvent {
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(item, "item");
        }
    }

    /** {@code turn.completed}: the usage is the running total of the whole thread, not of this call. */
    record TurnCompleted(TokenTotals threadTotals) implements CodexEvent {
        public TurnCompleted {
            Objects.requireNonNull(threadTotals, "threadTotals");
        }
    }

    /** {@code turn.failed}: the turn is over and failed with this message. */
    record TurnFailed(String message) implements CodexEvent {
        public TurnFailed {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * A top-level {@code error}: either a notice of a retry ({@code Reconnecting... 1/5 (...)}) or
     * the message of a failure that a {@code turn.failed} follows.
     */
    record StreamError(String message) implements CodexEvent {
        public StreamError {
            Objects.requireNonNull(message, "message");
        }
    }

    /** Where an item is in its life. */
    enum Stage {
        STARTED,
        UPDATED,
        COMPLETED
    }

    /** The things a turn is made of. */
    sealed interface Item {
        String id();
    }

    /** A message from the agent; the last one of a turn is its answer. */
    record AgentMessage(String id, String text) implements Item {}

    /** A summary of the model's reasoning. */
    record Reasoning(String id, String text) implements Item {}

    /** A shell command the agent ran (or runs); the exit code is known once it completes. */
    record CommandExecution(String id, String command, Optional<Integer> exitCode, String status) implements Item {}

    /** Files the agent added, updated or deleted through a patch. */
    record FileChange(String id, List<Change> changes, String status) implements Item {
        public FileChange {
            changes = List.copyOf(changes);
        }
    }

    /** One file of a {@link FileChange}; {@code kind} is {@code add}, {@code update} or {@code delete}. */
    record Change(String path, String kind) {}

    /** The agent's plan: its steps and which are done. */
    record TodoList(String id, List<Todo> items) implements Item {
        public TodoList {
            items = List.copyOf(items);
        }
    }

    record Todo(String text, boolean completed) {}

    /** A call to a tool of an MCP server. */
    record McpToolCall(String id, String server, String tool, String status) implements Item {}

    /** A web search. */
    record WebSearch(String id, String query) implements Item {}

    /**
     * An error item: a warning, never the end of the turn (e.g. "Model metadata for `x` not
     * found"); failures come as {@link TurnFailed}.
     */
    record ErrorItem(String id, String message) implements Item {}

    /** An item type this runner does not know; shown by its type only. */
    record OtherItem(String id, String type) implements Item {}
}
