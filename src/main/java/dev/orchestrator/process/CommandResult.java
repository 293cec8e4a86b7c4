package dev.orchestrator.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a command ended.
 *
 * @param exitCode the process's exit code (for a process ended by a signal, 128 + the signal)
 * @param timedOut whether it ran past its timeout and was ended
 * @param stalled whether it printed nothing for its stall timeout and was ended
 * @param tail the last lines of its output (standard output and error merged), oldest first
 * @param logFile the file holding all of its output
 */
public record CommandResult(
        int exitCode, boolean timedOut, boolean stalled, Duration duration, List<String> tail, Path logFile) {
    public CommandResult {
        Objects.requireNonNull(duration, "duration");
        tail = List.copyOf(tail);
        Objects.requireNonNull(logFile, "logFile");
    }

    /** Whether it finished in time, without stalling, with exit code 0. */
    public boolean succeeded() {
        return !timedOut && !stalled && exitCode == 0;
    }

    /** The tail as one text, a line each. */
    public String tailText() {
        return String.join("\n", tail);
    }
}
