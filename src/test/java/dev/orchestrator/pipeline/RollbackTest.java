package dev.orchestrator.pipeline;

import static dev.orchestrator.pipeline.Runs.commits;
import static dev.orchestrator.pipeline.Runs.item;
import static dev.orchestrator.pipeline.Runs.phase;
import static dev.orchestrator.pipeline.Runs.progress;
import static dev.orchestrator.pipeline.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.config.PhaseName;
import dev.orchestrator.project.PhaseState;
import dev.orchestrator.project.PhaseStatus;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectStatus;
import dev.orchestrator.work.WorkItemStatus;
import dev.orchestrator.workspace.Git;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A failed phase rolls the workspace back to where it started; a new run resumes from there. */
class RollbackTest {
    private static final Map<String, String> FULL = Map.of("autonomy", "full");

    @TempDir
    Path home;

    @ParameterizedTest
    @Execution(ExecutionMode.CONCURRENT)
    @EnumSource(names = {"IDEATION", "ARCHITECTURE", "TASK_BREAKDOWN", "INITIALIZE", "IMPLEMENT", "TEST"})
    void failedPhase_rollsBackAndANewEngineResumesWithoutRepeatingFinishedCalls(PhaseName failing) throws Exception {
        Path script = Calls.script(home, "responses: []\n");
        Project project;
        try (TestEngine t = TestEngine.start(home, script, FULL, Optional.of(failing))) {
            project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.FAILED);

            PhaseState failed = phase(t, project, failing);
            assertThat(failed.status()).isEqualTo(PhaseStatus.FAILED);
            assertThat(failed.error().orElseThrow())
                    .isEqualTo("failure injected after the phase's work (--fail-at-phase " + failing + ")");
            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.FAILED);
            for (PhaseState other : t.engine.store().phases(project.id())) {
                if (other.phase().ordinal() < failing.ordinal()) {
                    assertThat(other.status()).as(other.phase().toString()).isEqualTo(PhaseStatus.COMPLETED);
                } else if (other.phase().ordinal() > failing.ordinal()) {
                    assertThat(other.status()).as(other.phase().toString()).isEqualTo(PhaseStatus.PENDING);
                }
            }
            Git git = Runs.git(project);
            String expectedHead = failing.ordinal() >= PhaseName.IMPLEMENT.ordinal()
                    // implement commits each item as it passes: those commits are kept
                    ? item(t, project, "W2").commit().orElseThrow()
                    : failed.startCommit().orElseThrow();
            assertThat(git.head()).isEqualTo(expectedHead);
            assertThat(git.hasChanges()).as("stray files").isFalse();
            assertThat(Runs.events(t, project, "phase_failed")
                            .getLast()
                            .path("rolled_back_to")
                            .asString())
                    .isEqualTo(expectedHead);
            assertThat(commits(project)).last().isEqualTo(lastCommitBefore(failing));
        }

        try (TestEngine t = TestEngine.start(home, script, FULL, Optional.empty())) {
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(phase(t, project, failing).attempts()).isEqualTo(2);
            assertThat(commits(project))
                    .containsExactly(
                            "Start project",
                            "docs: requirements",
                            "docs: architecture",
                            "docs: work-plan",
                            "initialize: scaffold the project",
                            "W1: Scripted first item",
                            "W2: Scripted second item");
            Map<String, Long> perStep = Calls.in(home).perStep();
            assertThat(perStep)
                    .hasSize(8)
                    .allSatisfy((step, count) -> assertThat(count)
                            .as(step)
                            // the scaffold is work in the workspace: it is rolled back with its phase and redone
                            .isEqualTo(failing == PhaseName.INITIALIZE && step.equals("developer/initialize") ? 2 : 1));
        }
    }

    private static String lastCommitBefore(PhaseName failing) {
        return switch (failing) {
            case IDEATION -> "Start project";
            case ARCHITECTURE -> "docs: requirements";
            case TASK_BREAKDOWN -> "docs: architecture";
            case INITIALIZE -> "docs: work-plan";
            default -> "W2: Scripted second item";
        };
    }

    @ConcurrentTest
    void agentGivingUpMidItem_dropsTheItemsUncommittedWorkAndKeepsCommittedItems() throws Exception {
        Path script = Calls.script(home, """
                responses:
                  - role: developer
                    item: W2
                    files: {scripted/half-done.txt: "half\\n"}
                    fail: {class: crash, message: "the agent process died"}
                """);
        Map<String, String> noRetries = new java.util.LinkedHashMap<>(FULL);
        noRetries.put("recovery.max_retries", "0");
        Project project;
        try (TestEngine t = TestEngine.start(home, script, noRetries, Optional.empty())) {
            project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.FAILED);

            assertThat(phase(t, project, PhaseName.IMPLEMENT).error().orElseThrow())
                    .startsWith("W2 Scripted second item needs attention");
            assertThat(item(t, project, "W2").findings().orElseThrow())
                    .contains("agent gave up", "crash", "the agent process died");
            assertThat(item(t, project, "W1").status()).isEqualTo(WorkItemStatus.DONE);
            assertThat(commits(project)).last().isEqualTo("W1: Scripted first item");
            assertThat(project.workspace().resolve("scripted/half-done.txt")).doesNotExist();
            assertThat(Runs.git(project).hasChanges()).isFalse();
        }

        Calls.script(home, "responses: []\n");
        try (TestEngine t = TestEngine.start(home, script, noRetries, Optional.empty())) {
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(commits(project)).containsSubsequence("W1: Scripted first item", "W2: Scripted second item");
            assertThat(project.workspace().resolve("scripted/half-done.txt")).doesNotExist();
            Calls answered = Calls.in(home).answered();
            assertThat(answered.perStep().values()).containsOnly(1L);
            List<Calls.Call> crashed = Calls.in(home).all().stream()
                    .filter(c -> c.outcome().equals("crash"))
                    .toList();
            assertThat(crashed).extracting(Calls.Call::step).containsExactly("developer/implement/W2");
        }
    }
}
