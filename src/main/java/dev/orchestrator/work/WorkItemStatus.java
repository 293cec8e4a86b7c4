package dev.orchestrator.work;

import java.util.Locale;

/** Where one work item stands. Stored by {@link #wireName()}. */
public enum WorkItemStatus {
    /** Not started. */
    TODO,
    /** Claimed by the pipeline; after a crash, resumed from its last finished step. */
    IN_PROGRESS,
    /** Reviewed, passed and committed. */
    DONE,
    /** Did not converge (or was blocked): its findings are kept; items that depend on it wait. */
    NEEDS_ATTENTION,
    /** The person chose to go on without it; items that depend on it may run. */
    SKIPPED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static WorkItemStatus fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** Whether items that depend on this one may start. */
    public boolean releasesDependents() {
        return this == DONE || this == SKIPPED;
    }
}
