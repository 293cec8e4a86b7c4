package dev.orchestrator.pipeline;

import dev.orchestrator.project.ProjectId;

/**
 * Hears what pipelines do, from their threads: progress lines as they happen, and each run's end.
 * Implementations must be thread-safe and quick (they run on the pipeline's thread).
 */
public interface PipelineListener {
    PipelineListener NONE = new PipelineListener() {};

    /** A compact line such as {@code [implement] W2 review: fail (1 blocker), fixing (cycle 1/2)}. */
    default void progress(ProjectId project, String line) {}

    /** The project now waits for the person (approval or answers). */
    default void waiting(ProjectId project, String what) {}

    /** A run of the project's pipeline ended. */
    default void finished(ProjectId project, RunOutcome outcome, String detail) {}
}
