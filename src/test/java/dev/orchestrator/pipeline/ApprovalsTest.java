package dev.orchestrator.pipeline;

import static dev.orchestrator.pipeline.Runs.commits;
import static dev.orchestrator.pipeline.Runs.phase;
import static dev.orchestrator.pipeline.Runs.progress;
import static dev.orchestrator.pipeline.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.agent.Role;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.project.PhaseStatus;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint autonomy (the default): planning phases wait for the person to approve, reject or edit. */
class ApprovalsTest {
    private static final String EDITED = """
            {"contract": "requirements.v1", "name": "Photo Sorter", "summary": "Renames photos by the date taken.",
             "features": [{"id": "F1", "title": "Rename by date", "description": "IMG_1.jpg becomes 2024-05-01.jpg.",
                           "priority": "must"}],
             "constraints": ["Runs offline."], "questions": []}
            """;

    @TempDir
    Path home;

    private TestEngine engine() {
        return TestEngine.start(home, Calls.script(home, "responses: []\n"), Map.of(), Optional.empty());
    }

    private static Decisions.Pending.PhaseApproval approval(TestEngine t, Project project, PhaseName phase) {
        Decisions.Pending pending =
                t.engine.decisions().pending(project.id()).orElseThrow(() -> new AssertionError(progress(t)));
        assertThat(pending).isInstanceOf(Decisions.Pending.PhaseApproval.class);
        var approval = (Decisions.Pending.PhaseApproval) pending;
        assertThat(approval.approval().phase()).isEqualTo(phase);
        return approval;
    }

    @ConcurrentTest
    void checkpoint_waitsForApprovalAfterIdeation() throws Exception {
        try (TestEngine t = engine()) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            var pending = approval(t, project, PhaseName.IDEATION);
            assertThat(pending.contract()).isEqualTo(Contract.REQUIREMENTS);
            assertThat(pending.document()).contains("Scripted project");
            assertThat(pending.approval().summary()).startsWith("Scripted project: 1 features (1 must)");
            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.WAITING_APPROVAL);
            assertThat(phase(t, project, PhaseName.IDEATION).status()).isEqualTo(PhaseStatus.WAITING);
            assertThat(phase(t, project, PhaseName.ARCHITECTURE).status()).isEqualTo(PhaseStatus.PENDING);
            assertThat(project.workspace().resolve("docs/requirements.md")).doesNotExist();
            assertThat(Calls.in(home).steps()).containsExactly("analyst/ideation");
        }
    }

    @ConcurrentTest
    void waitingProject_startedAgainWithoutADecision_keepsWaitingWithoutCallingAgents() throws Exception {
        try (TestEngine t = engine()) {
            Project project = t.service.create("a tool that renames photos by date", "photos");
            run(t, project);
            long approvalId =
                    approval(t, project, PhaseName.IDEATION).approval().id();

            assertThat(run(t, project)).isEqualTo(RunOutcome.WAITING);

            assertThat(approval(t, project, PhaseName.IDEATION).approval().id()).isEqualTo(approvalId);
            assertThat(t.engine.store().pendingApprovals(project.id())).hasSize(1);
            assertThat(Calls.in(home).steps()).containsExactly("analyst/ideation");
        }
    }

    @ConcurrentTest
    void approval_continuesToTheNextCheckpoint() throws Exception {
        try (TestEngine t = engine()) {
            Project project = t.service.create("a tool that renames photos by date", "photos");
            run(t, project);

            t.engine.decisions().approve(approval(t, project, PhaseName.IDEATION));
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            assertThat(phase(t, project, PhaseName.IDEATION).status()).isEqualTo(PhaseStatus.COMPLETED);
            approval(t, project, PhaseName.ARCHITECTURE);
            assertThat(commits(project)).containsExactly("Start project", "docs: requirements");
            assertThat(Calls.in(home).steps()).containsExactly("analyst/ideation", "architect/architecture");

            t.engine.decisions().approve(approval(t, project, PhaseName.ARCHITECTURE));
            assertThat(run(t, project)).isEqualTo(RunOutcome.WAITING);
            t.engine.decisions().approve(approval(t, project, PhaseName.TASK_BREAKDOWN));
            // initialize, implement and test have no checkpoint; deploy is disabled
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(Calls.in(home).perStep())
                    .containsOnlyKeys(
                            "analyst/ideation",
                            "architect/architecture",
                            "planner/task_breakdown",
                            "developer/initialize",
                            "developer/implement/W1",
                            "reviewer/implement/W1",
                            "developer/implement/W2",
                            "reviewer/implement/W2");
            assertThat(Calls.in(home).perStep().values()).containsOnly(1L);
        }
    }

    @ConcurrentTest
    void rejection_rerunsThePhaseWithTheFeedback() throws Exception {
        try (TestEngine t = engine()) {
            Project project = t.service.create("a tool that renames photos by date", "photos");
            run(t, project);
            var first = approval(t, project, PhaseName.IDEATION);

            t.engine.decisions().reject(first, "Call it Photo Sorter and keep the originals.");
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            List<Calls.Call> analyst = Calls.in(home).of(Role.ANALYST, PhaseName.IDEATION);
            assertThat(analyst).hasSize(2);
            assertThat(analyst.get(0).prompt()).doesNotContain("Photo Sorter");
            assertThat(analyst.get(1).prompt())
                    .contains("Feedback on the previous result", "Call it Photo Sorter and keep the originals.");
            var second = approval(t, project, PhaseName.IDEATION);
            assertThat(second.approval().id()).isNotEqualTo(first.approval().id());
            assertThat(phase(t, project, PhaseName.IDEATION).status()).isEqualTo(PhaseStatus.WAITING);
            assertThat(project.workspace().resolve("docs/requirements.md")).doesNotExist();
        }
    }

    @ConcurrentTest
    void edit_replacesTheDocumentAndApprovesIt() throws Exception {
        try (TestEngine t = engine()) {
            Project project = t.service.create("a tool that renames photos by date", "photos");
            run(t, project);

            List<String> problems = t.engine.decisions().edit(approval(t, project, PhaseName.IDEATION), EDITED);

            assertThat(problems).isEmpty();
            assertThat(t.engine.store().pendingApprovals(project.id())).isEmpty();
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);
            approval(t, project, PhaseName.ARCHITECTURE);
            assertThat(Files.readString(project.workspace().resolve("docs/requirements.md")))
                    .contains("Photo Sorter", "Rename by date", "Runs offline.")
                    .doesNotContain("Scripted project");
            assertThat(Calls.in(home).of(Role.ANALYST, PhaseName.IDEATION)).hasSize(1);
            assertThat(Calls.in(home)
                            .of(Role.ARCHITECT, PhaseName.ARCHITECTURE)
                            .getFirst()
                            .prompt())
                    .contains("Photo Sorter");
        }
    }

    @ConcurrentTest
    void invalidEdit_returnsTheValidatorsProblemsAndChangesNothing() throws Exception {
        try (TestEngine t = engine()) {
            Project project = t.service.create("a tool that renames photos by date", "photos");
            run(t, project);
            var pending = approval(t, project, PhaseName.IDEATION);

            List<String> problems = t.engine
                    .decisions()
                    .edit(pending, "{\"contract\": \"requirements.v1\", \"name\": \"Photo Sorter\"}");

            assertThat(problems).isNotEmpty().anyMatch(p -> p.contains("summary"));
            var still = approval(t, project, PhaseName.IDEATION);
            assertThat(still.approval().id()).isEqualTo(pending.approval().id());
            assertThat(still.approval().pending()).isTrue();
            assertThat(still.document()).isEqualTo(pending.document());
            assertThat(run(t, project)).isEqualTo(RunOutcome.WAITING);
            assertThat(phase(t, project, PhaseName.IDEATION).status()).isEqualTo(PhaseStatus.WAITING);
        }
    }

    @ConcurrentTest
    void editedWorkPlan_isTheOneImplemented() throws Exception {
        Map<String, String> settings =
                Map.of("phases.ideation.checkpoint", "false", "phases.architecture.checkpoint", "false");
        try (TestEngine t = TestEngine.start(home, Calls.script(home, "responses: []\n"), settings, Optional.empty())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            List<String> problems = t.engine.decisions().edit(approval(t, project, PhaseName.TASK_BREAKDOWN), """
                            {"contract": "work_plan.v1", "items": [{"key": "X1", "title": "Only item",
                             "description": "Everything at once.", "acceptance": ["it works"], "depends_on": [],
                             "priority": 1}]}
                            """);
            assertThat(problems).isEmpty();
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(t.engine.items(project.id())).extracting(i -> i.key()).containsExactly("X1");
            assertThat(commits(project)).contains("X1: Only item").noneMatch(c -> c.startsWith("W1"));
            assertThat(Calls.in(home).of(Role.PLANNER, PhaseName.TASK_BREAKDOWN))
                    .hasSize(1);
        }
    }

    @ConcurrentTest
    void editOfADecisionAlreadyMade_isRefusedAndChangesNothing() throws Exception {
        try (TestEngine t = engine()) {
            Project project = t.service.create("a tool that renames photos by date", "photos");
            run(t, project);
            var pending = approval(t, project, PhaseName.IDEATION);
            t.engine.decisions().approve(pending);

            assertThatThrownBy(() -> t.engine.decisions().edit(pending, EDITED)).hasMessageContaining("already made");

            assertThat(t.engine.store().candidate(project.id(), PhaseName.IDEATION))
                    .contains(pending.document());
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);
            assertThat(Files.readString(project.workspace().resolve("docs/requirements.md")))
                    .contains("Scripted project")
                    .doesNotContain("Photo Sorter");
        }
    }
}
