package dev.orchestrator.pipeline;

/** How one run of a project's pipeline ended. */
public enum RunOutcome {
    /** Every phase is done. */
    COMPLETED,
    /** Paused for the person: an approval, answers, or a decision about a work item. */
    WAITING,
    /** A phase failed; the workspace was rolled back and the reason recorded. */
    FAILED,
    /** Stopped by the person or a shutdown; the next run carries on. */
    STOPPED,
    /** Another live instance owns the project; nothing was done. */
    OWNED_ELSEWHERE;

    /** The process exit code for a command-line run ending this way. */
    public int exitCode() {
        return switch (this) {
            case COMPLETED -> 0;
            case FAILED -> 1;
            case WAITING, OWNED_ELSEWHERE -> 3;
            case STOPPED -> 130;
        };
    }
}
