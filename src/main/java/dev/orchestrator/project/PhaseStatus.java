package dev.orchestrator.project;

/** Where one phase of a project stands. */
public enum PhaseStatus {
    PENDING,
    RUNNING,
    WAITING,
    COMPLETED,
    FAILED,
    SKIPPED;

    public String wireName() {
        return WireNames.of(this);
    }

    public static PhaseStatus fromWireName(String name) {
        return WireNames.parse(PhaseStatus.class, name);
    }
}
