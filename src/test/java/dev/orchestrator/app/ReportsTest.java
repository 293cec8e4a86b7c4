package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.pipeline.RunOutcome;
import dev.orchestrator.pipeline.Supervisor;
import dev.orchestrator.pipeline.TestEngine;
import dev.orchestrator.project.Project;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --status}: what a project cost and why it paused, without the session. */
class ReportsTest {
    @TempDir
    Path home;

    @Test
    void status_showsTheSpendAndWhyAProjectPaused() throws Exception {
        Path script = TestEngine.script(
                home.resolve("script"),
                "responses:\n  - usage: {input_tokens: 1000, output_tokens: 200, cost_usd: 0.40}\n");
        try (TestEngine t = TestEngine.start(
                home, script, Map.of("autonomy", "full", "budget.max_usd_per_project", "1"), Optional.empty())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");
            var started = (Supervisor.Start.Started) t.engine.supervisor().start(project.id());
            assertThat(started.done().get(30, TimeUnit.SECONDS)).isEqualTo(RunOutcome.WAITING);

            StringWriter one = new StringWriter();
            Reports.status(Optional.of("1"), t.service, t.engine, new PrintWriter(one));
            StringWriter all = new StringWriter();
            Reports.status(Optional.empty(), t.service, t.engine, new PrintWriter(all));

            assertThat(one.toString())
                    .contains("spent $1.20 (3000 input tokens, 600 output tokens)")
                    .contains("paused: the project's budget is spent: $1.20 of $1.00");
            assertThat(all.toString()).contains("photos", "paused", "$1.20");
        }
    }

    @Test
    void status_namesTheItemsInProgressWithTheirBranches_andThoseThatNeedAttention() throws Exception {
        // W1's developer is slow; W2's review never passes
        Path script = TestEngine.script(home.resolve("script"), """
                responses:
                  - role: planner
                    json:
                      contract: work_plan.v1
                      items:
                        - {key: W1, title: "First", description: "d", acceptance: ["a"], depends_on: [], priority: 1}
                        - {key: W2, title: "Second", description: "d", acceptance: ["a"], depends_on: [], priority: 1}
                  - role: developer
                    item: W1
                    delay_ms: 3000
                  - role: reviewer
                    item: W2
                    json: {contract: review.v1, status: fail, summary: "No.", findings: [{severity: major, path: "a", line: 1, message: "Handle an empty file"}]}
                """);
        try (TestEngine t = TestEngine.start(
                home,
                script,
                Map.of("autonomy", "full", "phases.implement.max_review_cycles", "0"),
                Optional.empty())) {
            Project project = t.service.create("two small files", "two");
            var started = (Supervisor.Start.Started) t.engine.supervisor().start(project.id());
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> t.engine.items(project.id()).stream()
                            .anyMatch(i -> i.status() == dev.orchestrator.work.WorkItemStatus.NEEDS_ATTENTION));

            StringWriter one = new StringWriter();
            Reports.status(Optional.of("1"), t.service, t.engine, new PrintWriter(one));

            assertThat(one.toString())
                    .contains("in progress  W1 First (worktree .orchestrator/worktrees/W1, branch orchestrator/W1)")
                    .contains("attention    W2 Second: Handle an empty file");
            started.done().get(30, TimeUnit.SECONDS);
        }
    }
}
