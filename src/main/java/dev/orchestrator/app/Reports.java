package dev.orchestrator.app;

import dev.orchestrator.pipeline.Engine;
import dev.orchestrator.pipeline.Money;
import dev.orchestrator.project.PhaseState;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectService;
import dev.orchestrator.project.ProjectSummary;
import dev.orchestrator.work.WorkProgress;
import java.io.PrintWriter;
import java.util.Optional;

/** The non-interactive {@code --status} and {@code --export} reports. */
final class Reports {
    private Reports() {}

    static int status(Optional<String> named, ProjectService projects, Engine engine, PrintWriter out) {
        if (named.isEmpty()) {
            var page = projects.repository().list(1, 1_000);
            if (page.items().isEmpty()) {
                out.println("No projects yet. Run orchestrator and type an idea, or orchestrator generate \"IDEA\".");
            }
            for (ProjectSummary summary : page.items()) {
                Project p = summary.project();
                out.printf(
                        "%4s  %-30s  %-17s %-15s %d/%d items  %s%n",
                        p.id(),
                        p.name(),
                        p.status().wireName(),
                        p.currentPhase().map(Object::toString).orElse("-"),
                        summary.itemsDone(),
                        summary.itemsTotal(),
                        Money.usd(engine.ledger().projectSpend(p.id()).costMicros()));
            }
            out.flush();
            return 0;
        }
        Project project = resolve(named.get(), projects);
        out.println("project " + project.id() + " " + project.name() + ": "
                + project.status().wireName()
                + project.currentPhase().map(p -> " (" + p + ")").orElse(""));
        out.println("workspace " + project.workspace());
        for (PhaseState phase : engine.store().phases(project.id())) {
            out.printf(
                    "  %-15s %-10s attempts %d%s%n",
                    phase.phase(),
                    phase.status().wireName(),
                    phase.attempts(),
                    phase.error().map(e -> "  error: " + e).orElse(""));
        }
        WorkProgress progress = engine.services().work().progress(project.id());
        out.println("items " + progress.finished() + "/" + progress.total() + " finished");
        for (var item : engine.items(project.id())) {
            switch (item.status()) {
                case IN_PROGRESS ->
                    out.println("  in progress  " + item.label() + " (worktree .orchestrator/worktrees/" + item.key()
                            + ", branch " + dev.orchestrator.workspace.Worktrees.branch(item.key()) + ")");
                case NEEDS_ATTENTION ->
                    out.println("  attention    " + item.label() + ": "
                            + item.findings().map(Reports::firstFinding).orElse("did not converge"));
                default -> {}
            }
        }
        var spent = engine.ledger().projectSpend(project.id());
        out.println("spent " + Money.usd(spent.costMicros()) + " (" + spent.inputTokens() + " input tokens, "
                + spent.outputTokens() + " output tokens)");
        if (project.status() == dev.orchestrator.project.ProjectStatus.PAUSED) {
            engine.pauseReason(project.id()).ifPresent(reason -> out.println("paused: " + reason));
        }
        engine.decisions()
                .pending(project.id())
                .ifPresent(pending -> out.println("waiting for you: run orchestrator and /approve " + project.id()
                        + " (or /answer " + project.id() + ")"));
        out.flush();
        return 0;
    }

    static int export(String named, ProjectService projects, Engine engine, PrintWriter out) {
        Project project = resolve(named, projects);
        out.println(engine.export(project.id()).orElseThrow());
        out.flush();
        return 0;
    }

    /** The first finding's message, from the item's findings (JSON). */
    private static String firstFinding(String findings) {
        var node = tools.jackson.databind.json.JsonMapper.builder().build().readTree(findings);
        return node.isArray() && !node.isEmpty() ? node.get(0).path("message").asString("") : "";
    }

    private static Project resolve(String named, ProjectService projects) {
        return projects.resolve(named)
                .orElseThrow(() -> new UsageException(
                        "no project is called or numbered '" + named + "'. orchestrator --status lists them."));
    }
}
