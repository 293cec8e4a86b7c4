package dev.orchestrator.agent.codex;

import dev.orchestrator.agent.AgentListener;
import dev.orchestrator.agent.AgentResult;
import dev.orchestrator.agent.AgentResult.Outcome.Failure;
import dev.orchestrator.agent.ErrorClass;
import dev.orchestrator.agent.Usage;
import dev.orchestrator.agent.codex.CodexEvent.AgentMessage;
import dev.orchestrator.agent.codex.CodexEvent.CommandExecution;
import dev.orchestrator.agent.codex.CodexEvent.ErrorItem;
import dev.orchestrator.agent.codex.CodexEvent.FileChange;
import dev.orchestrator.agent.codex.CodexEvent.ItemEvent;
import dev.orchestrator.agent.codex.CodexEvent.McpToolCall;
import dev.orchestrator.agent.codex.CodexEvent.OtherItem;
import dev.orchestrator.agent.codex.CodexEvent.Reasoning;
import dev.orchestrator.agent.codex.CodexEvent.Stage;
import dev.orchestrator.agent.codex.CodexEvent.TodoList;
import dev.orchestrator.agent.codex.CodexEvent.WebSearch;
import dev.orchestrator.process.AgentExit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one {@code codex exec} call has said so far, fed line by line, and the result it adds up to.
 *
 * <p>Owned by the command's reader thread while the process runs ({@link #accept}); {@link #result}
 * is called by the caller after the runner has finished reading, so no two threads touch it at once.
 */
final class CodexRun {
    private static final int ACTIVITY_CHARS = 160;
    private static final int KEPT_LINES = 12;
    private static final Pattern RECONNECTING = Pattern.compile("^Reconnecting\\.\\.\\.\\s*(\\d+/\\d+)?\\s*(.*)$");
    private static final Pattern BASH_WRAPPER =
            Pattern.compile("^/bin/(?:ba)?sh -l?c (?:'(.*)'|\"(.*)\"|(\\S+))$", Pattern.DOTALL);

    private final AgentListener listener;
    private final Path workDir;
    private final TokenTotals threadTotalsBefore;
    private final Pricing pricing;
    private final ArrayDeque<String> otherLines = new ArrayDeque<>();
    private final Set<String> announced = new HashSet<>();
    private Optional<String> threadId = Optional.empty();
    private Optional<String> lastMessage = Optional.empty();
    private Optional<TokenTotals> threadTotals = Optional.empty();
    private Optional<String> failure = Optional.empty();
    private Optional<String> lastError = Optional.empty();
    private boolean replaying;

    /**
     * @param threadTotalsBefore the thread's token totals before this call (zero for a new thread),
     *     since Codex reports running totals per thread
     */
    CodexRun(AgentListener listener, Path workDir, TokenTotals threadTotalsBefore, Pricing pricing) {
        this.listener = listener;
        this.workDir = workDir;
        this.threadTotalsBefore = threadTotalsBefore;
        this.pricing = pricing;
    }

    /** One line of the command's merged output. */
    void accept(String line) {
        accept(line, false);
    }

    /** One line; a replayed one (read again by an adoption) updates the state without reporting activity again. */
    void accept(String line, boolean replayed) {
        replaying = replayed;
        try {
            handle(line);
        } finally {
            replaying = false;
        }
    }

    private void handle(String line) {
        Optional<CodexEvent> event = CodexEvents.parse(line);
        if (event.isEmpty()) {
            if (!line.isBlank()) {
                otherLines.addLast(line);
                if (otherLines.size() > KEPT_LINES) {
                    otherLines.removeFirst();
                }
            }
            return;
        }
        switch (event.get()) {
            case CodexEvent.ThreadStarted started -> {
                if (threadId.isEmpty()) {
                    threadId = Optional.of(started.threadId());
                    listener.sessionId(started.threadId());
                }
            }
            case CodexEvent.TurnStarted started -> {}
            case ItemEvent item -> item(item.stage(), item.item());
            case CodexEvent.TurnCompleted completed -> {
                threadTotals = Optional.of(completed.threadTotals());
                pricing.missingPriceNotice().ifPresent(this::activity);
                listener.usage(usage());
            }
            case CodexEvent.TurnFailed failed -> failure = Optional.of(failed.message());
            case CodexEvent.StreamError error -> streamError(error.message());
        }
    }

    private void item(Stage stage, CodexEvent.Item item) {
        switch (item) {
            case AgentMessage message -> {
                lastMessage = Optional.of(message.text());
                activity(firstLine(message.text()));
            }
            case Reasoning reasoning -> activity("Thinking: " + firstLine(reasoning.text()));
            case CommandExecution command -> {
                if (announced.add(command.id())) {
                    activity("Bash: " + unwrap(command.command()));
                }
                if (stage == Stage.COMPLETED
                        && command.exitCode().isPresent()
                        && command.exitCode().get() != 0) {
                    activity("Bash exited " + command.exitCode().get() + ": " + unwrap(command.command()));
                }
            }
            case FileChange change -> {
                if (stage == Stage.COMPLETED) {
                    change.changes().forEach(c -> activity(verb(c.kind()) + " " + relative(c.path())));
                }
            }
            case TodoList todos -> activity(plan(todos));
            case McpToolCall call -> {
                if (announced.add(call.id())) {
                    activity("MCP " + call.server() + "." + call.tool());
                }
            }
            case WebSearch search -> {
                if (announced.add(search.id())) {
                    activity("Web search: " + search.query());
                }
            }
            case ErrorItem error -> activity("Codex warning: " + firstLine(error.message()));
            case OtherItem other -> {}
        }
    }

    private void streamError(String message) {
        Matcher reconnecting = RECONNECTING.matcher(message);
        if (reconnecting.matches()) {
            String reason = reconnecting.group(2).replaceAll("^\\((.*)\\)$", "$1");
            activity(
                    reconnecting.group(1) == null
                            ? "API unreachable, reconnecting (" + reason + ")"
                            : "API error, reconnecting " + reconnecting.group(1) + " (" + reason + ")");
            return;
        }
        lastError = Optional.of(message);
        activity("API error: " + firstLine(message));
    }

    /** The usage of this call so far: the thread's totals less what it had used before. */
    Usage usage() {
        return threadTotals
                .map(totals -> pricing.usage(totals.since(threadTotalsBefore)))
                .orElse(Usage.NONE);
    }

    /** The thread's running totals after this call, when its turn completed. */
    Optional<TokenTotals> threadTotals() {
        return threadTotals;
    }

    Optional<String> threadId() {
        return threadId;
    }

    /** How the call ended, once the command has. */
    AgentResult result(AgentExit command, Duration stall) {
        return new AgentResult(lastMessage.orElse(""), threadId, usage(), outcome(command, stall));
    }

    /** Whether the turn ended, answered or failed, as far as the lines so far say. */
    boolean turnEnded() {
        return failure.isPresent() || (threadTotals.isPresent() && lastMessage.isPresent());
    }

    private AgentResult.Outcome outcome(AgentExit command, Duration stall) {
        if (!command.seenRunning() && !turnEnded()) {
            // adopted after its end, without an answer: it died with its Orchestrator or the machine
            return new AgentResult.Outcome.Unfinished();
        }
        if (command.stalled()) {
            return new Failure(
                    ErrorClass.STALL,
                    "Codex printed nothing for " + stall.toSeconds() + " s and was ended with its processes"
                            + lastError.map(e -> "; its last error: " + e).orElse(""));
        }
        if (command.timedOut()) {
            return new Failure(
                    ErrorClass.TIMEOUT,
                    "Codex ran past its timeout and was ended with its processes (followed for "
                            + command.duration().toSeconds() + " s)");
        }
        if (failure.isPresent()) {
            return CodexFailures.classify(failure.get());
        }
        if (threadTotals.isPresent() && lastMessage.isPresent()) {
            return new AgentResult.Outcome.Success();
        }
        if (lastError.isPresent()) {
            return CodexFailures.classify(lastError.get());
        }
        List<String> last = otherLines.isEmpty() ? command.tail() : List.copyOf(otherLines);
        return new Failure(
                ErrorClass.CRASH,
                "Codex exited with " + command.describeExit() + " without finishing its turn"
                        + (threadTotals.isPresent() ? " (it gave no answer)" : "") + "; its last output:\n"
                        + String.join("\n", last.subList(Math.max(0, last.size() - KEPT_LINES), last.size())));
    }

    private void activity(String text) {
        if (replaying) {
            return;
        }
        String line = text.strip();
        if (!line.isEmpty()) {
            listener.activity(line.length() > ACTIVITY_CHARS ? line.substring(0, ACTIVITY_CHARS - 1) + "…" : line);
        }
    }

    private String relative(String path) {
        try {
            Path file = Path.of(path);
            return file.startsWith(workDir) ? workDir.relativize(file).toString() : path;
        } catch (RuntimeException e) {
            return path;
        }
    }

    private static String verb(String kind) {
        return switch (kind) {
            case "add" -> "Write";
            case "delete" -> "Delete";
            default -> "Edit";
        };
    }

    private static String plan(TodoList todos) {
        long done = todos.items().stream().filter(CodexEvent.Todo::completed).count();
        String next = todos.items().stream()
                .filter(t -> !t.completed())
                .map(CodexEvent.Todo::text)
                .findFirst()
                .map(t -> ", next: " + t)
                .orElse("");
        return "Plan: " + done + "/" + todos.items().size() + " done" + next;
    }

    /** {@code /bin/bash -lc 'ls -la'} as the person's command, {@code ls -la}. */
    static String unwrap(String command) {
        Matcher m = BASH_WRAPPER.matcher(command);
        if (!m.matches()) {
            return command;
        }
        if (m.group(1) != null) {
            return m.group(1).replace("'\\''", "'");
        }
        return m.group(2) != null ? m.group(2).replaceAll("\\\\([\"\\\\$`])", "$1") : m.group(3);
    }

    private static String firstLine(String text) {
        String stripped = text.strip();
        int newline = stripped.indexOf('\n');
        return newline < 0 ? stripped : stripped.substring(0, newline);
    }
}
