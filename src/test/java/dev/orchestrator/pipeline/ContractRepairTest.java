package dev.orchestrator.pipeline;

import static dev.orchestrator.pipeline.Runs.phase;
import static dev.orchestrator.pipeline.Runs.progress;
import static dev.orchestrator.pipeline.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.agent.Role;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.project.PhaseState;
import dev.orchestrator.project.PhaseStatus;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectStatus;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** An answer that does not match its contract is sent back for repair, with the validator's problems. */
class ContractRepairTest {
    @TempDir
    Path home;

    /** Full autonomy, running the planning phases only. */
    private TestEngine engine(String responses, Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>(Map.of(
                "autonomy", "full",
                "phases.initialize.enabled", "false",
                "phases.implement.enabled", "false",
                "phases.test.enabled", "false"));
        all.putAll(settings);
        return TestEngine.start(home, Calls.script(home, responses), all, Optional.empty());
    }

    private static List<String> sessionStatuses(TestEngine t, Project project, String role) {
        return Runs.sessions(t, project).stream()
                .filter(s -> s.path("role").asString().equals(role))
                .map(s -> s.path("status").asString())
                .toList();
    }

    @ConcurrentTest
    void garbageThenAValidAnswer_completesThePhaseAfterOneRepair() throws Exception {
        String responses = """
                responses:
                  - role: analyst
                    times: 1
                    reply: "I thought about it a lot, but here is no document."
                """;
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(phase(t, project, PhaseName.IDEATION).status()).isEqualTo(PhaseStatus.COMPLETED);
            List<Calls.Call> analyst = Calls.in(home).of(Role.ANALYST, PhaseName.IDEATION);
            assertThat(analyst).hasSize(2);
            Calls.Call repair = analyst.get(1);
            assertThat(repair.continued()).isTrue();
            assertThat(repair.prompt())
                    .contains("Your previous answer could not be used", "the answer has no fenced json block");
            assertThat(sessionStatuses(t, project, "analyst")).containsExactly("invalid", "completed");
        }
    }

    @ConcurrentTest
    void alwaysGarbage_failsThePhaseAfterTheRepairAttempts() throws Exception {
        String responses = """
                responses:
                  - role: analyst
                    reply: "No document, ever."
                """;
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.FAILED);

            // the first answer and recovery.repair_attempts (2) repairs
            assertThat(Calls.in(home).of(Role.ANALYST, PhaseName.IDEATION)).hasSize(3);
            PhaseState ideation = phase(t, project, PhaseName.IDEATION);
            assertThat(ideation.status()).isEqualTo(PhaseStatus.FAILED);
            assertThat(ideation.error().orElseThrow())
                    .isEqualTo("the analyst's answer did not match requirements.v1 after 2 repairs: "
                            + "the answer has no fenced json block: end the answer with one fenced json block "
                            + "holding the requirements.v1 document");
            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.FAILED);
            assertThat(phase(t, project, PhaseName.ARCHITECTURE).status()).isEqualTo(PhaseStatus.PENDING);
            assertThat(sessionStatuses(t, project, "analyst")).containsExactly("invalid", "invalid", "invalid");
        }
    }

    @ConcurrentTest
    void repairAttempts_comeFromTheConfiguration() throws Exception {
        String responses = """
                responses:
                  - role: analyst
                    reply: "No document, ever."
                """;
        try (TestEngine t = engine(responses, Map.of("recovery.repair_attempts", "0"))) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.FAILED);

            assertThat(Calls.in(home).of(Role.ANALYST, PhaseName.IDEATION)).hasSize(1);
            assertThat(phase(t, project, PhaseName.IDEATION).error().orElseThrow())
                    .startsWith("the analyst's answer did not match requirements.v1 after 0 repairs: ");
        }
    }

    @ConcurrentTest
    void schemaError_isNamedInTheRepairPrompt() throws Exception {
        String responses = """
                responses:
                  - role: architect
                    times: 1
                    json: {contract: architecture.v1, summary: "No stack yet."}
                """;
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            List<Calls.Call> architect = Calls.in(home).of(Role.ARCHITECT, PhaseName.ARCHITECTURE);
            assertThat(architect).hasSize(2);
            assertThat(architect.get(1).prompt()).contains("stack", "components", "commands");
        }
    }

    @ConcurrentTest
    void workPlanWithAnUnknownDependency_isRepairedLikeASchemaError() throws Exception {
        String responses = "responses:\n"
                + Documents.plan("W1:1:W9", "W2:2").replace("- role: planner", "- role: planner\n    times: 1");
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            List<Calls.Call> planner = Calls.in(home).of(Role.PLANNER, PhaseName.TASK_BREAKDOWN);
            assertThat(planner).hasSize(2);
            assertThat(planner.get(1).prompt()).contains("$.items[0].depends_on[0]: \"W9\" is not the key of any item");
            // the repaired (built-in) plan is the one recorded
            assertThat(t.engine.items(project.id())).extracting(i -> i.key()).containsExactly("W1", "W2");
            assertThat(t.engine.items(project.id()).getFirst().title()).isEqualTo("Scripted first item");
        }
    }

    @ConcurrentTest
    void workPlanWithADependencyCycle_isRepairedLikeASchemaError() throws Exception {
        String responses = "responses:\n"
                + Documents.plan("W1:1:W2", "W2:1:W1").replace("- role: planner", "- role: planner\n    times: 1");
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            List<Calls.Call> planner = Calls.in(home).of(Role.PLANNER, PhaseName.TASK_BREAKDOWN);
            assertThat(planner).hasSize(2);
            assertThat(planner.get(1).prompt()).contains("$.items: dependency cycle: W1 -> W2 -> W1");
        }
    }

    @ConcurrentTest
    void invalidItemAnswer_isRepairedWithinTheItem() throws Exception {
        String responses = """
                responses:
                  - role: reviewer
                    item: W1
                    times: 1
                    json: {contract: review.v1, status: maybe, summary: "Unsure.", findings: []}
                """;
        Map<String, String> settings = Map.of("phases.initialize.enabled", "true", "phases.implement.enabled", "true");
        try (TestEngine t = engine(responses, settings)) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            List<Calls.Call> reviewer = Calls.in(home).of(Role.REVIEWER, "W1");
            assertThat(reviewer).hasSize(2);
            assertThat(reviewer.get(1).prompt()).contains("$.status");
            assertThat(Runs.item(t, project, "W1").reviewCycles()).isZero();
            // the repair is about the document, not the work: the developer was not called again
            assertThat(Calls.in(home).of(Role.DEVELOPER, "W1")).hasSize(1);
        }
    }
}
