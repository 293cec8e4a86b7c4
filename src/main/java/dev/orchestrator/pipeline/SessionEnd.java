package dev.orchestrator.pipeline;

import dev.orchestrator.agent.AgentResult.Outcome.Failure;
import dev.orchestrator.agent.ErrorClass;
import dev.orchestrator.agent.Usage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How an agent call ended, as recorded. Made with the factories: {@link #completed}, {@link
 * #invalid}, {@link #failed}, {@link #interrupted}.
 *
 * @param externalId the agent's own session id, if it said one
 * @param usage what the call used that was not recorded yet (it adds to the row)
 * @param output the validated contract document (JSON) when the call succeeded
 * @param snapshot the work tree the call left, as a git commit object
 * @param lastActivity what the agent did last, for a person reading the record
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
        Objects.requireNonNull(externalId, "externalId");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(errorClass, "errorClass");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(lastActivity, "lastActivity");
    }

    /** The agent answered with a valid document. */
    public static SessionEnd completed(
            Optional<String> externalId, Usage usage, String document, Optional<String> snapshot, String lastActivity) {
        return new SessionEnd(
                Status.COMPLETED,
                externalId,
                usage,
                Optional.of(document),
                Optional.empty(),
                Optional.empty(),
                snapshot,
                Optional.of(lastActivity));
    }

    /** The agent answered, but not with a valid document; {@code problems} are the validator's. */
    public static SessionEnd invalid(
            Optional<String> externalId, Usage usage, List<String> problems, String lastActivity) {
        return new SessionEnd(
                Status.INVALID,
                externalId,
                usage,
                Optional.empty(),
                Optional.of(ErrorClass.INVALID_OUTPUT),
                Optional.of(String.join("; ", problems)),
                Optional.empty(),
                Optional.of(lastActivity));
    }

    /** The call failed as {@code failure} says. */
    public static SessionEnd failed(Optional<String> externalId, Usage usage, Failure failure, String lastActivity) {
        return new SessionEnd(
                Status.FAILED,
                externalId,
                usage,
                Optional.empty(),
                Optional.of(failure.errorClass()),
                Optional.of(failure.message()),
                Optional.empty(),
                Optional.of(lastActivity));
    }

    /** A stop, a crash or an ended Orchestrator cut the call off; {@code why} says which. */
    public static SessionEnd interrupted(Optional<String> externalId, Usage usage, String why, String lastActivity) {
        return new SessionEnd(
                Status.INTERRUPTED,
                externalId,
                usage,
                Optional.empty(),
                Optional.empty(),
                Optional.of(why),
                Optional.empty(),
                Optional.of(lastActivity));
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
