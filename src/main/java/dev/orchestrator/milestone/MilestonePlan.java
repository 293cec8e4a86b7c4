package dev.orchestrator.milestone;

import dev.orchestrator.config.AgentBackend;
import dev.orchestrator.repl.Style;
import dev.orchestrator.repl.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one {@code run --milestone} is asked to do: the repository's configuration, its issue
 * documents and the issues selected, in order. Preparing it checks everything that can be checked
 * before any agent runs.
 */
public record MilestonePlan(RepoConfig config, IssueDocs docs, Selection selection) {

    /**
     * Checks the repository, reads its configuration and issue documents, and selects the issues.
     *
     * @param repo the repository's top folder
     * @param configFile the repository configuration named by {@code --config}, if any
     * @throws MilestoneException naming what is wrong and what to do
     */
    public static MilestonePlan prepare(
            Path repo, Optional<Path> configFile, String milestone, Optional<String> issue) {
        Path root = requireGitTop(repo);
        RepoConfig config = RepoConfigLoader.load(root, configFile);
        IssueDocs docs = IssueDocs.scan(config);
        return new MilestonePlan(config, docs, docs.select(milestone, issue));
    }

    /**
     * The top folder of the git repository at {@code folder}, absolute.
     *
     * @throws MilestoneException when {@code folder} is missing, not in a git repository, or below its top
     */
    public static Path requireGitTop(Path folder) {
        Path root = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new MilestoneException(root + ": no such folder. Pass --repo with the top folder of a git "
                    + "repository, or run from there.");
        }
        if (Files.exists(root.resolve(".git"))) {
            try {
                return root.toRealPath(); // a symbolic link's target: the issue documents are walked there
            } catch (java.io.IOException e) {
                throw new MilestoneException("cannot read " + root + ": " + e.getMessage());
            }
        }
        for (Path parent = root.getParent(); parent != null; parent = parent.getParent()) {
            if (Files.exists(parent.resolve(".git"))) {
                throw new MilestoneException(root + " is inside the git repository " + parent + ", not at its top. "
                        + "Run from " + parent + ", or pass --repo " + parent + ".");
            }
        }
        throw new MilestoneException(root + " is not a git repository. Run from the top folder of your repository "
                + "(or pass --repo DIR); run --milestone works on issue branches, so it needs git.");
    }

    /**
     * The plan as lines for a person: where, with what, and the issues in the order they would run.
     *
     * @param configuredRunner the orchestrator's {@code agent.backend}, used when the repository names no runner
     */
    public List<String> describe(AgentBackend configuredRunner, int width, Style style) {
        List<String> lines = new ArrayList<>();
        lines.add("Milestone " + selection.milestone() + " in " + config.repo() + " (configuration "
                + config.repo().relativize(config.file()) + ")");
        lines.add("Runner " + config.runnerOr(configuredRunner)
                + config.model().map(model -> " (model " + model + ")").orElse("")
                + (config.runner().isEmpty() ? " from the orchestrator's agent.backend" : "")
                + ", base branch " + config.baseBranch()
                + (config.merge() ? ", merging reviewed issues" : ", not merging")
                + ", at most " + config.maxReviewCycles() + " review/fix cycles, logs in " + config.logRoot());
        Table table = new Table(List.of(
                Table.Column.right("#"),
                Table.Column.left("issue"),
                Table.Column.shrinking("title"),
                Table.Column.left("depends on"),
                Table.Column.left("path")));
        List<IssueDoc> issues = selection.issues();
        for (int i = 0; i < issues.size(); i++) {
            IssueDoc issue = issues.get(i);
            table.row(List.of(
                    Table.Cell.plain(Integer.toString(i + 1)),
                    Table.Cell.plain(issue.id()),
                    Table.Cell.plain(issue.title()),
                    Table.Cell.plain(issue.dependsOn().isEmpty() ? "-" : String.join(", ", issue.dependsOn())),
                    Table.Cell.plain(issue.path().toString())));
        }
        lines.addAll(table.render(width, style));
        selection.notes().forEach(note -> lines.add("note: " + note));
        docs.skipped().forEach(skip -> lines.add("skipped " + skip.path() + ": " + skip.reason()));
        int count = issues.size();
        lines.add("Planned " + count + (count == 1 ? " issue" : " issues") + " of milestone " + selection.milestone()
                + ", each in its own worktree through developer, reviewer and fixer.");
        return lines;
    }
}
