package dev.orchestrator.app;

import dev.orchestrator.agent.Usage;
import dev.orchestrator.config.ConfigLoader;
import dev.orchestrator.config.ConfigSnapshot;
import dev.orchestrator.config.OrchestratorConfig;
import dev.orchestrator.milestone.IssueDoc;
import dev.orchestrator.milestone.MilestoneException;
import dev.orchestrator.milestone.MilestonePlan;
import dev.orchestrator.milestone.RepoConfig;
import dev.orchestrator.milestone.ResultTable;
import dev.orchestrator.pipeline.Engine;
import dev.orchestrator.pipeline.RepoRun;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectService;
import dev.orchestrator.repl.Style;
import dev.orchestrator.work.NewWorkItem;
import dev.orchestrator.work.WorkItem;
import dev.orchestrator.work.WorkItemStatus;
import dev.orchestrator.workspace.Git;
import dev.orchestrator.workspace.Worktrees;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code orchestrator run --milestone}: the milestone's issues become the work items of a project
 * over the repository (the same project when the command runs again, so it resumes), which runs
 * the implement phase only — each issue in its own worktree through developer, reviewer and fixer —
 * and ends with a table of issue, status, cycles, cost and branch.
 */
final class MilestoneRun {
    private final Engine engine;
    private final ProjectService projects;
    private final OrchestratorConfig config;
    private final int width;
    private final PrintWriter out;

    MilestoneRun(Engine engine, ProjectService projects, OrchestratorConfig config, int width, PrintWriter out) {
        this.engine = engine;
        this.projects = projects;
        this.config = config;
        this.width = width;
        this.out = out;
    }

    /**
     * What the repository's configuration sets in Orchestrator's: the runner, its model and the
     * review cycles; and full autonomy, since nobody is at a prompt to approve (an issue that does
     * not converge is reported in the table with its branch).
     */
    static List<ConfigLoader.FlagSetting> settings(RepoConfig repo) {
        String from = repo.file().getFileName().toString();
        List<ConfigLoader.FlagSetting> settings = new ArrayList<>();
        repo.runner().ifPresent(r -> settings.add(new ConfigLoader.FlagSetting("agent.backend", r.toString(), from)));
        repo.model().ifPresent(m -> settings.add(new ConfigLoader.FlagSetting("agent.model", m, from)));
        settings.add(new ConfigLoader.FlagSetting(
                "phases.implement.max_review_cycles", Integer.toString(repo.maxReviewCycles()), from));
        settings.add(new ConfigLoader.FlagSetting("autonomy", "full", "run --milestone"));
        return settings;
    }

    /** @param issue the one issue chosen with {@code --issue}, if any */
    int run(MilestonePlan plan, Optional<String> issue) {
        plan.describe(config.agent().backend(), width, Style.PLAIN).forEach(this::say);
        RepoConfig repo = plan.config();
        if (Git.at(repo.repo()).branchHead(repo.baseBranch()).isEmpty()) {
            throw new MilestoneException("base_branch " + repo.baseBranch() + " (" + repo.file()
                    + ") is not a branch of " + repo.repo() + ". Set base_branch to the branch the issues"
                    + " start from and merge into, or create it (git branch " + repo.baseBranch() + ").");
        }
        String milestone = plan.selection().milestone();
        RepoRun run = new RepoRun(
                repo.repo(), milestone, issue, repo.baseBranch(), repo.merge(), repo.testCommand(), repo.logRoot());
        String name = repo.repo().getFileName() + "-" + milestone
                + issue.map(i -> "-" + i).orElse("");
        String idea = "Milestone " + milestone + " of " + repo.repo()
                + issue.map(i -> ", issue " + i).orElse("") + " (run --milestone)";
        Project project = engine.openRepoRun(run, name, idea, items(plan), ConfigSnapshot.json(config));
        say("project " + project.id() + " " + project.name() + ": "
                + plan.selection().issues().size() + " issues, logs in " + repo.logRoot());
        int code = new Batch(engine, projects, out).run(project.id());
        ResultTable.render(rows(project, repo), width, Style.PLAIN).forEach(this::say);
        return code;
    }

    /** The selected issues in their order; dependencies outside the selection are assumed done. */
    private static List<NewWorkItem> items(MilestonePlan plan) {
        List<IssueDoc> issues = plan.selection().issues();
        Set<String> selected = issues.stream().map(IssueDoc::id).collect(Collectors.toSet());
        List<NewWorkItem> items = new ArrayList<>();
        for (int i = 0; i < issues.size(); i++) {
            IssueDoc doc = issues.get(i);
            items.add(new NewWorkItem(
                    doc.id(),
                    doc.title(),
                    "Issue document " + doc.path() + ":\n\n" + doc.body().strip(),
                    List.of("Everything the issue document " + doc.path() + " asks for is done and tested"),
                    doc.dependsOn().stream().filter(selected::contains).toList(),
                    i + 1));
        }
        return items;
    }

    private List<ResultTable.Row> rows(Project project, RepoConfig repo) {
        Map<Long, Usage> spend = engine.ledger().itemSpends(project.id());
        Git git = Git.at(repo.repo());
        List<String> branches = git.branches(Worktrees.BRANCH_PREFIX);
        List<ResultTable.Row> rows = new ArrayList<>();
        for (WorkItem item : engine.items(project.id())) {
            String branch = Worktrees.branch(item.key());
            Optional<String> kept = branches.contains(branch) ? Optional.of(branch) : Optional.empty();
            Optional<String> shown = kept.or(() -> item.status() == WorkItemStatus.DONE && repo.merge()
                    ? Optional.of("merged into " + repo.baseBranch())
                    : Optional.empty());
            rows.add(new ResultTable.Row(
                    item.key(),
                    item.status(),
                    item.reviewCycles(),
                    Optional.ofNullable(spend.get(item.id()))
                            .map(Usage::costMicros)
                            .orElse(0L),
                    shown));
        }
        return rows;
    }

    private void say(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
