package dev.orchestrator.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How an agent's process ended, as far as its follower saw it.
 *
 * @param exitCode its exit code; empty for a process another Orchestrator started (only its parent
 *     learns that), or one that could not be waited for
 * @param timedOut whether it ran past its timeout (counted from its start) and was ended
 * @param stalled whether it printed nothing for the stall window and was ended
 * @param seenRunning whether it was still running when this follower began; false for an adopted
 *     process that had already ended, whose output is all there was
 * @param duration how long it was followed here
 * @param tail its last lines, oldest first
 * @param logFile the readable copy of its output (secrets masked)
 */
public record AgentExit(
        OptionalInt exitCode,
        boolean timedOut,
        boolean stalled,
        boolean seenRunning,
        Duration duration,
        List<String> tail,
        Path logFile) {
    public AgentExit {
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(duration, "duration");
        tail = List.copyOf(tail);
        Objects.requireNonNull(logFile, "logFile");
    }

    /** The exit code for a message: {@code code 3}, or why it is not known. */
    public String describeExit() {
        return exitCode.isPresent()
                ? "code " + exitCode.getAsInt()
                : "an unknown code (an earlier Orchestrator started it)";
    }
}
