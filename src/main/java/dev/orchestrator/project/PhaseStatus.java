package dev.orchestrator.project;

import java.util.Locale;

/** Where one phase of a project stands. */
public enum PhaseStatus {
    PENDING,
    RUNNING,
    WAITING,
    COMPLETED,
    FAILED,
    SKIPPED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PhaseStatus fromWireName(String name) {
        for (PhaseStatus status : values()) {
            if (status.wireName().equals(name)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown phase status '" + name + "'");
    }
}
