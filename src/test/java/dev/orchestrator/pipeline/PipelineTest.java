package dev.orchestrator.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.config.PhaseName;
import dev.orchestrator.project.PhaseStatus;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectStatus;
import dev.orchestrator.work.WorkItemStatus;
import dev.orchestrator.workspace.Git;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {
    @TempDir
    Path home;

    private RunOutcome run(TestEngine t, Project project) throws Exception {
        var start = t.engine.supervisor().start(project.id());
        assertThat(start).isInstanceOf(Supervisor.Start.Started.class);
        return ((Supervisor.Start.Started) start).done().get(60, TimeUnit.SECONDS);
    }

    @Test
    void fullAutonomy_runsEveryPhaseToACommittedRepository() throws Exception {
        Path script = TestEngine.script(home.resolve("s"), "responses: []\n");
        try (TestEngine t = TestEngine.start(home, script, Map.of("autonomy", "full"), Optional.empty())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            RunOutcome outcome = run(t, project);

            assertThat(outcome).as(String.join("\n", t.progress)).isEqualTo(RunOutcome.COMPLETED);
            assertThat(t.engine.store().phases(project.id()))
                    .extracting(p -> p.status())
                    .containsExactly(
                            PhaseStatus.COMPLETED,
                            PhaseStatus.COMPLETED,
                            PhaseStatus.COMPLETED,
                            PhaseStatus.COMPLETED,
                            PhaseStatus.COMPLETED,
                            PhaseStatus.COMPLETED,
                            PhaseStatus.SKIPPED);
            assertThat(t.engine.items(project.id())).extracting(i -> i.status()).containsOnly(WorkItemStatus.DONE);
            List<String> log = Git.at(project.workspace()).log(20);
            assertThat(log)
                    .contains("W1: " + t.engine.items(project.id()).getFirst().title(), "docs: requirements");
            assertThat(Files.exists(project.workspace().resolve("docs/work-plan.md")))
                    .isTrue();
            assertThat(t.service.repository().find(project.id()).orElseThrow().status())
                    .isEqualTo(ProjectStatus.COMPLETED);
        }
    }

    @Test
    void checkpointOnAWorkPhase_asksToApproveWhatItDid_andARejectionRunsItAgain() throws Exception {
        Path script = TestEngine.script(home.resolve("s"), "responses: []\n");
        Map<String, String> settings = Map.of(
                "phases.ideation.checkpoint", "false",
                "phases.architecture.checkpoint", "false",
                "phases.task_breakdown.checkpoint", "false",
                "phases.test.checkpoint", "true");
        try (TestEngine t = TestEngine.start(home, script, settings, Optional.empty())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).isEqualTo(RunOutcome.WAITING);
            var pending = t.engine.decisions().pending(project.id()).orElseThrow();
            assertThat(pending).isInstanceOf(Decisions.Pending.PhaseReview.class);
            assertThat(((Decisions.Pending.PhaseReview) pending).approval().summary())
                    .isEqualTo("test is done (tests: true).");

            t.engine.decisions().reject(((Decisions.Pending.PhaseReview) pending).approval(), "run them twice");
            assertThat(run(t, project)).isEqualTo(RunOutcome.WAITING);
            var again = (Decisions.Pending.PhaseReview)
                    t.engine.decisions().pending(project.id()).orElseThrow();
            assertThat(t.engine
                            .store()
                            .phases(project.id())
                            .get(PhaseName.TEST.ordinal())
                            .attempts())
                    .isEqualTo(2);

            t.engine.decisions().approve(again.approval());
            assertThat(run(t, project)).isEqualTo(RunOutcome.COMPLETED);
        }
    }
}
