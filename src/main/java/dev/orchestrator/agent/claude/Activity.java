package dev.orchestrator.agent.claude;

import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalInt;
import tools.jackson.databind.JsonNode;

/** The short lines a person reads about what Claude Code is doing: {@code Write src/app.py}, {@code Bash: pytest -q}. */
final class Activity {
    private static final int MAX_CHARS = 160;

    private Activity() {}

    static String toolUse(String tool, JsonNode input, Path workDir) {
        return switch (tool) {
            case "Bash" -> "Bash: " + oneLine(input.path("command").asString(""));
            case "Read", "Write", "Edit", "MultiEdit" -> tool + " " + path(input.path("file_path"), workDir);
            case "NotebookEdit" -> tool + " " + path(input.path("notebook_path"), workDir);
            case "Glob", "Grep" -> tool + " " + oneLine(input.path("pattern").asString(""));
            case "WebFetch" -> tool + " " + oneLine(input.path("url").asString(""));
            case "WebSearch" -> tool + " " + oneLine(input.path("query").asString(""));
            default -> tool;
        };
    }

    /** A tool that answered with an error: the model sees it and usually tries again otherwise. */
    static String toolError(String tool, String content) {
        String message = content.replace("<tool_use_error>", "").replace("</tool_use_error>", "");
        return tool + " refused: " + oneLine(message);
    }

    /** {@code API overloaded, retry 2/10 in 1.2 s}. */
    static String retry(ClaudeEvent.ApiRetry retry) {
        String what = what(retry.errorStatus(), retry.error());
        return what + ", retry " + retry.attempt() + "/" + retry.maxRetries() + " in "
                + String.format(Locale.ROOT, "%.1f s", retry.delayMillis() / 1000);
    }

    static String text(String text) {
        return oneLine(text);
    }

    static String started(ClaudeEvent.Init init) {
        return "Claude Code " + init.version() + " started session " + init.sessionId()
                + (init.model().isEmpty() ? "" : " (" + init.model() + ")");
    }

    static String finished(ClaudeEvent.Result result) {
        return (result.isError() ? "stopped" : "finished") + " after " + result.turns()
                + (result.turns() == 1 ? " turn, $" : " turns, $")
                + String.format(Locale.ROOT, "%.4f", result.usage().costMicros() / 1e6);
    }

    private static String what(OptionalInt status, String error) {
        if (status.orElse(0) == 529 || error.equals("overloaded")) {
            return "API overloaded";
        }
        if (status.orElse(0) == 429 || error.equals("rate_limit")) {
            return "rate limited";
        }
        if (status.isEmpty()) {
            return "API unreachable (" + error + ")";
        }
        return "API error " + status.getAsInt() + " (" + error + ")";
    }

    private static String path(JsonNode file, Path workDir) {
        String name = file.asString("");
        if (name.isEmpty()) {
            return "?";
        }
        Path path = Path.of(name);
        Path folder = workDir.toAbsolutePath().normalize();
        return path.isAbsolute() && path.normalize().startsWith(folder)
                ? folder.relativize(path.normalize()).toString()
                : name;
    }

    /** The first line, shortened to {@value #MAX_CHARS} characters. */
    static String oneLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        boolean more = line.length() > MAX_CHARS || text.strip().lines().count() > 1;
        if (line.length() > MAX_CHARS) {
            line = line.substring(0, MAX_CHARS);
        }
        return more ? line + " …" : line;
    }
}
