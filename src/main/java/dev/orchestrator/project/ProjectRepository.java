package dev.orchestrator.project;

import java.util.List;
import java.util.Optional;

/**
 * Where projects are kept. The SQLite implementation lives in the store package; every method is
 * one transaction, and every change appends its event in that same transaction.
 */
public interface ProjectRepository {

    /**
     * Records a new project with its phases pending and a {@code project_created} event.
     *
     * @throws NameTakenException when another project already has the name or slug
     */
    Project create(NewProject project);

    Optional<Project> find(ProjectId id);

    /** The project with this name or slug, case-insensitively. */
    Optional<Project> findByName(String nameOrSlug);

    /** Whether a project already has this name (case-insensitively) or this slug. */
    boolean isTaken(String name, String slug);

    /** Projects newest first, with their progress figures. */
    Page<ProjectSummary> list(int page, int pageSize);

    StatusCounts counts();

    /** Every phase of a project in pipeline order. */
    List<PhaseState> phases(ProjectId id);

    /** Work items of a project: done and total. */
    ProjectSummary summary(Project project);

    /** The most recent events of a project, newest last. */
    List<ProjectEvent> recentEvents(ProjectId id, int limit);

    /** Ids and names of all projects, for tab completion; newest first, at most {@code limit}. */
    List<Project> recent(int limit);
}
