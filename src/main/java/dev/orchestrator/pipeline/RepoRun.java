package dev.orchestrator.pipeline;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A run over an existing repository ({@code orchestrator run --milestone}): its project's workspace
 * is the repository, its work items are the selected issue documents, and only the implement phase
 * runs, on branches from {@code baseBranch}.
 *
 * @param issue the one issue selected with {@code --issue}, if any
 * @param merge whether items that pass their review merge into {@code baseBranch}; otherwise their
 *     reviewed branches are kept for the team to merge
 * @param testCommand what runs the repository's tests after a merge conflict is resolved
 * @param logRoot where the agents' raw logs and parsed answers go, per issue and role
 */
public record RepoRun(
        Path repo,
        String milestone,
        Optional<String> issue,
        String baseBranch,
        boolean merge,
        Optional<String> testCommand,
        Path logRoot) {
    public RepoRun {
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(milestone, "milestone");
        Objects.requireNonNull(issue, "issue");
        Objects.requireNonNull(baseBranch, "baseBranch");
        Objects.requireNonNull(testCommand, "testCommand");
        Objects.requireNonNull(logRoot, "logRoot");
    }
}
