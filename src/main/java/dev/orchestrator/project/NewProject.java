package dev.orchestrator.project;

import java.nio.file.Path;
import java.util.Objects;

/** What is needed to record a new project. {@code configSnapshot} is the effective config as JSON. */
public record NewProject(String name, String slug, String idea, Path workspace, String configSnapshot) {
    public NewProject {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(idea, "idea");
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(configSnapshot, "configSnapshot");
    }
}
