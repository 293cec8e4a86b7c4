package dev.orchestrator.project;

import dev.orchestrator.config.PhaseName;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** One project as stored: what was asked for, where it lives, and where it stands. */
public record Project(
        ProjectId id,
        String name,
        String slug,
        String idea,
        ProjectStatus status,
        Optional<PhaseName> currentPhase,
        Path workspace,
        Instant createdAt,
        Instant updatedAt) {
    public Project {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(idea, "idea");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(currentPhase, "currentPhase");
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
