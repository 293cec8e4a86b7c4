package dev.orchestrator.project;

/** A project's number, the one people type: {@code /status 3}. */
public record ProjectId(long value) implements Comparable<ProjectId> {
    public ProjectId {
        if (value <= 0) {
            throw new IllegalArgumentException("project ids are positive, not " + value);
        }
    }

    @Override
    public int compareTo(ProjectId other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
