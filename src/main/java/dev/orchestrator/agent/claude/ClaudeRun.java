package dev.orchestrator.agent.claude;

import dev.orchestrator.agent.AgentListener;
import dev.orchestrator.agent.Usage;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One run of Claude Code as its output arrives: tells the listener what happens, and keeps what
 * the result needs (session, usage, the result line, the last synthetic error).
 *
 * <p>Lines come from the command's reader thread; the caller reads the state after the run.
 * Methods are synchronized so that the caller sees everything even if it stopped waiting for the
 * reader.
 */
final class ClaudeRun implements Consumer<String> {
    private final Path workDir;
    private final AgentListener listener;
    private final Map<String, Usage> messageUsage = new LinkedHashMap<>();
    private final Map<String, String> toolNames = new HashMap<>();
    private Optional<String> sessionId = Optional.empty();
    private Optional<ClaudeEvent.Result> result = Optional.empty();
    private Optional<String> apiError = Optional.empty();
    private Optional<ClaudeEvent.ApiRetry> lastRetry = Optional.empty();
    private boolean replaying;

    ClaudeRun(Path workDir, AgentListener listener) {
        this.workDir = workDir;
        this.listener = listener;
    }

    @Override
    public synchronized void accept(String line) {
        accept(line, false);
    }

    /**
     * One line; a replayed one (an adoption reading again what an earlier Orchestrator saw) updates
     * the state without reporting its activity a second time.
     */
    synchronized void accept(String line, boolean replayed) {
        replaying = replayed;
        try {
            for (ClaudeEvent event : StreamJson.parse(line)) {
                handle(event);
            }
        } finally {
            replaying = false;
        }
    }

    private void activity(String text) {
        if (!replaying) {
            listener.activity(text);
        }
    }

    private void handle(ClaudeEvent event) {
        switch (event) {
            case ClaudeEvent.Init init -> {
                session(init.sessionId());
                activity(Activity.started(init));
            }
            case ClaudeEvent.MessageUsage usage -> {
                if (messageUsage.putIfAbsent(usage.messageId(), usage.usage()) == null) {
                    listener.usage(runningUsage());
                }
            }
            case ClaudeEvent.AssistantText text -> {
                text.error().ifPresent(error -> apiError = Optional.of(error));
                if (!text.text().isBlank()) {
                    activity(Activity.text(text.text()));
                }
            }
            case ClaudeEvent.ToolUse use -> {
                toolNames.put(use.id(), use.name());
                activity(Activity.toolUse(use.name(), use.input(), workDir));
            }
            case ClaudeEvent.ToolResult toolResult -> {
                if (toolResult.isError()) {
                    String tool = toolNames.getOrDefault(toolResult.toolUseId(), "tool");
                    activity(Activity.toolError(tool, toolResult.content()));
                }
            }
            case ClaudeEvent.ApiRetry retry -> {
                lastRetry = Optional.of(retry);
                activity(Activity.retry(retry));
            }
            case ClaudeEvent.Result last -> {
                result = Optional.of(last);
                last.sessionId().ifPresent(this::session);
                listener.usage(last.usage());
                activity(Activity.finished(last));
            }
        }
    }

    private void session(String id) {
        if (sessionId.isEmpty() || !sessionId.get().equals(id)) {
            sessionId = Optional.of(id);
            listener.sessionId(id);
        }
    }

    /** The sum of the messages' start usage: a lower bound until the result line gives the totals. */
    private Usage runningUsage() {
        return messageUsage.values().stream().reduce(Usage.NONE, Usage::plus);
    }

    synchronized Optional<String> sessionId() {
        return sessionId;
    }

    synchronized Optional<ClaudeEvent.Result> result() {
        return result;
    }

    /** The kind of API failure the CLI last reported in a message it made up ({@code rate_limit}). */
    synchronized Optional<String> apiError() {
        return apiError;
    }

    synchronized Optional<ClaudeEvent.ApiRetry> lastRetry() {
        return lastRetry;
    }

    /** The result's totals when it came, else what the messages so far reported. */
    synchronized Usage usage() {
        return result.map(ClaudeEvent.Result::usage).orElseGet(this::runningUsage);
    }

    /** The final answer: the result's text. */
    synchronized String text() {
        return result.flatMap(ClaudeEvent.Result::text).orElse("");
    }
}
