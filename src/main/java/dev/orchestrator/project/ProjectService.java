package dev.orchestrator.project;

import dev.orchestrator.workspace.ProjectFolders;
import java.util.Optional;
import java.util.function.Supplier;

/** Creates and finds projects: names, slugs, workspace folders and the stored record, kept consistent. */
public final class ProjectService {
    /** The longest project name. */
    public static final int MAX_NAME_LENGTH = 60;

    private final ProjectRepository projects;
    private final ProjectFolders folders;
    private final Supplier<String> configSnapshot;

    /** @param configSnapshot the effective configuration as JSON, made when the first project needs it */
    public ProjectService(ProjectRepository projects, ProjectFolders folders, Supplier<String> configSnapshot) {
        this.projects = projects;
        this.folders = folders;
        this.configSnapshot = configSnapshot;
    }

    public ProjectRepository repository() {
        return projects;
    }

    public ProjectFolders folders() {
        return folders;
    }

    /** A name for a new project from its idea, free in the store and on disk: {@code todo-cli}, else {@code todo-cli-2}... */
    public String suggestName(String idea) {
        String base = Slugs.suggest(idea);
        for (int n = 1; ; n++) {
            String candidate = n == 1 ? base : base + "-" + n;
            if (isFree(candidate, Slugs.of(candidate))) {
                return candidate;
            }
        }
    }

    /** Why this name cannot be used, or empty when it can. */
    public Optional<String> problemWithName(String name) {
        String trimmed = name.strip();
        if (trimmed.isEmpty()) {
            return Optional.of("a project needs a name");
        }
        if (trimmed.length() > MAX_NAME_LENGTH) {
            return Optional.of("a name can have at most " + MAX_NAME_LENGTH + " characters");
        }
        if (trimmed.startsWith("/")) {
            return Optional.of("a name cannot start with / (that is how commands start)");
        }
        if (trimmed.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("a name cannot contain control characters");
        }
        if (trimmed.chars().allMatch(Character::isDigit)) {
            return Optional.of("a name cannot be only digits (numbers are project ids)");
        }
        String slug = Slugs.of(trimmed);
        if (slug.isEmpty()) {
            return Optional.of("a name needs at least one letter or digit");
        }
        if (projects.isTaken(trimmed, slug)) {
            return Optional.of("a project named '" + trimmed + "' (or '" + slug + "') already exists");
        }
        if (!folders.isFree(slug)) {
            return Optional.of("the folder " + folders.folderFor(slug) + " is already in use");
        }
        return Optional.empty();
    }

    /**
     * Records a new project and creates its folder. If recording fails, a folder this call created
     * is removed again, so nothing is left half-made.
     */
    public Project create(String idea, String name) {
        String trimmed = name.strip();
        problemWithName(trimmed).ifPresent(problem -> {
            throw new InvalidNameException(problem);
        });
        String slug = Slugs.of(trimmed);
        boolean created = folders.create(slug);
        try {
            return projects.create(
                    new NewProject(trimmed, slug, idea.strip(), folders.folderFor(slug), configSnapshot.get()));
        } catch (RuntimeException e) {
            if (created) {
                folders.removeIfEmpty(slug);
            }
            throw e;
        }
    }

    /** The project a person means by {@code 3}, {@code todo-cli} or {@code Todo CLI}. */
    public Optional<Project> resolve(String idOrName) {
        String text = idOrName.strip();
        if (text.matches("\\d{1,18}") && Long.parseLong(text) > 0) {
            return projects.find(new ProjectId(Long.parseLong(text)));
        }
        return projects.findByName(text);
    }

    private boolean isFree(String name, String slug) {
        return !projects.isTaken(name, slug) && folders.isFree(slug);
    }
}
