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
}
