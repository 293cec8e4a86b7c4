package dev.orchestrator.project;

/** Where a project stands as a whole. Stored by {@link #wireName()}. */
public enum ProjectStatus {
    /** Created; its pipeline has not run yet. */
    NOT_STARTED,
    /** A pipeline is working on it. */
    RUNNING,
    /** Paused at a checkpoint until the person approves or rejects. */
    WAITING_APPROVAL,
    /** Paused until the person answers questions. */
    CLARIFYING,
    /** Paused by a problem the person must look at (budget, authentication, escalation). */
    PAUSED,
    /** Stopped by the person or a shutdown; /resume carries on. */
    STOPPED,
    /** Every phase done. */
    COMPLETED,
    /** A phase failed for good. */
    FAILED;

    /** The stored and displayed spelling, e.g. {@code not_started}. */
    public String wireName() {
        return WireNames.of(this);
    }

    /** Reads a stored spelling; an unknown one means the database was written by a newer version. */
    public static ProjectStatus fromWireName(String name) {
        return WireNames.parse(ProjectStatus.class, name);
    }

    /** Whether the project's pipeline has nothing left to do. */
    public boolean isFinal() {
        return this == COMPLETED || this == FAILED;
    }
}
