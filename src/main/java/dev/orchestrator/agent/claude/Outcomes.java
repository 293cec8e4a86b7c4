package dev.orchestrator.agent.claude;

import dev.orchestrator.agent.AgentResult.Outcome;
import dev.orchestrator.agent.ErrorClass;
import dev.orchestrator.process.AgentExit;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a run of Claude Code ended, in Orchestrator's terms. The result line decides when there is
 * one ({@code is_error}, not {@code subtype}: an API error arrives as {@code success}); a run
 * without one crashed, stalled or ran out of time, or, adopted after it had ended, is unfinished.
 */
final class Outcomes {
    static final String LOGIN_FIX =
            "Run `claude login`, or set ANTHROPIC_API_KEY (in the environment or as agent.env.ANTHROPIC_API_KEY).";
    static final String INSTALL_FIX =
            "Install Claude Code with `npm i -g @anthropic-ai/claude-code`, or set agent.command to its path.";
    private static final int CRASH_LINES = 10;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Outcomes() {}

    static Outcome of(ClaudeRun run, AgentExit command, Duration stall, Duration timeout) {
        if (!command.seenRunning() && run.result().isEmpty()) {
            // adopted after its end, without an answer: it died with its Orchestrator or the machine
            return new Outcome.Unfinished();
        }
        if (command.stalled()) {
            return new Outcome.Failure(
                    ErrorClass.STALL,
                    "Claude Code printed nothing for " + seconds(stall) + " and was ended" + retrying(run) + ".");
        }
        if (command.timedOut()) {
            return new Outcome.Failure(
                    ErrorClass.TIMEOUT, "Claude Code ran past the call's time limit of " + seconds(timeout) + ".");
        }
        return run.result().map(result -> of(result, run.apiError())).orElseGet(() -> crash(command));
    }

    static Outcome of(ClaudeEvent.Result result, Optional<String> apiError) {
        if (!result.isError()) {
            return new Outcome.Success();
        }
        String message = message(result);
        String lower = message.toLowerCase(Locale.ROOT);
        int status = result.apiErrorStatus().orElse(0);
        String kind = apiError.orElse("");
        if (result.subtype().equals("error_max_turns")) {
            return new Outcome.Failure(
                    ErrorClass.MAX_TURNS,
                    "Claude Code used all its turns (" + message + "). Raise agent.max_turns, or split the work.");
        }
        if (status == 401
                || status == 403
                || kind.equals("authentication_failed")
                || lower.contains("not logged in")
                || lower.contains("invalid api key")) {
            return new Outcome.Failure(
                    ErrorClass.AUTHENTICATION, "Claude Code is not logged in: " + message + ". " + LOGIN_FIX);
        }
        if (lower.contains("prompt is too long")
                || lower.contains("context window")
                || lower.contains("context length")) {
            return new Outcome.Failure(ErrorClass.CONTEXT_OVERFLOW, message);
        }
        if (status == 429 || kind.equals("rate_limit") || lower.contains("rate limit")) {
            return new Outcome.Failure(ErrorClass.RATE_LIMIT, message);
        }
        if (status == 529 || lower.contains("overloaded")) {
            return new Outcome.Failure(ErrorClass.OVERLOADED, message);
        }
        if (status != 0 || lower.startsWith("api error")) {
            return new Outcome.Failure(ErrorClass.API_ERROR, message);
        }
        if (!result.deniedTools().isEmpty()) {
            return new Outcome.Failure(
                    ErrorClass.TOOL_DENIED, message + " (refused: " + String.join(", ", result.deniedTools()) + ")");
        }
        return new Outcome.Failure(ErrorClass.CRASH, "Claude Code failed (" + result.subtype() + "): " + message);
    }

    /** Claude Code ended without a result line: what it printed last, which is not its JSON, says why. */
    private static Outcome crash(AgentExit command) {
        List<String> lines = command.tail().stream()
                .filter(line -> !line.isBlank() && !isJson(line))
                .toList();
        List<String> last = lines.subList(Math.max(0, lines.size() - CRASH_LINES), lines.size());
        return new Outcome.Failure(
                ErrorClass.CRASH,
                "Claude Code exited with " + command.describeExit() + " without a result"
                        + (last.isEmpty() ? "" : ": " + String.join("\n", last))
                        + " (all output in " + command.logFile() + ")");
    }

    private static boolean isJson(String line) {
        try {
            return line.startsWith("{") && JSON.readTree(line).isObject();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String message(ClaudeEvent.Result result) {
        return result.text()
                .filter(text -> !text.isBlank())
                .or(() ->
                        result.errors().isEmpty() ? Optional.empty() : Optional.of(String.join("; ", result.errors())))
                .orElse(result.subtype());
    }

    private static String retrying(ClaudeRun run) {
        return run.lastRetry()
                .map(retry -> " (its last retry: " + Activity.retry(retry) + ")")
                .orElse("");
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
