package dev.orchestrator.pipeline;

import dev.orchestrator.agent.ErrorClass;
import dev.orchestrator.agent.Usage;
import java.util.Objects;
import java.util.Optional;

/**
 * How an agent call ended, as recorded.
 *
 * @param output the validated contract document (JSON) when the call succeeded
 * @param snapshot the work tree the call left, as a git commit object
 */
public record SessionEnd(
        Status status,
        Optional<String> externalId,
        Usage usage,
        Optional<String> output,
        Optional<ErrorClass> errorClass,
        Optional<String> error,
        Optional<String> snapshot,
        Optional<String> lastActivity) {

    public SessionEnd {
        Objects.requireNonNull(status, "status");
    }

    /** Where a recorded call ended. */
    public enum Status {
        COMPLETED,
        /** The agent answered, but not with a valid document. */
        INVALID,
        FAILED,
        /** Cut off by a stop or a crash. */
        INTERRUPTED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
