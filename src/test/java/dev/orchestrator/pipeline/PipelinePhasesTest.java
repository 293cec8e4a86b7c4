package dev.orchestrator.pipeline;

import static dev.orchestrator.pipeline.Runs.commits;
import static dev.orchestrator.pipeline.Runs.completion;
import static dev.orchestrator.pipeline.Runs.events;
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
import dev.orchestrator.work.WorkItem;
import dev.orchestrator.work.WorkItemStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Each phase's work, alone and in sequence, in full autonomy. */
class PipelinePhasesTest {
    @TempDir
    Path home;

    private TestEngine engine(String responses, Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("autonomy", "full"));
        all.putAll(settings);
        return TestEngine.start(home, Calls.script(home, responses), all, Optional.empty());
    }

    @ConcurrentTest
    void fullAutonomy_completesEveryPhaseWithItsDocumentsAndCommits() throws Exception {
        try (TestEngine t = engine("responses: []\n", Map.of())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(t.engine.store().phases(project.id()))
                    .extracting(PhaseState::status)
                    .containsExactly(
                            PhaseStatus.COMPLETED,
                            PhaseStatus.COMPLETED,
                            PhaseStatus.COMPLETED,
                            PhaseStatus.COMPLETED,
                            PhaseStatus.COMPLETED,
                            PhaseStatus.COMPLETED,
                            PhaseStatus.SKIPPED);
            assertThat(commits(project))
                    .containsExactly(
                            "Start project",
                            "docs: requirements",
                            "docs: architecture",
                            "docs: work-plan",
                            "initialize: scaffold the project",
                            "W1: Scripted first item",
                            "W2: Scripted second item");
            for (String doc : List.of("docs/requirements.md", "docs/architecture.md", "docs/work-plan.md")) {
                assertThat(project.workspace().resolve(doc)).isNotEmptyFile();
            }
            assertThat(Files.readString(project.workspace().resolve("docs/work-plan.md")))
                    .contains("Scripted first item", "Scripted second item");
            assertThat(Runs.git(project).hasChanges()).isFalse();
            assertThat(Calls.in(home).steps())
                    .containsExactly(
                            "analyst/ideation",
                            "architect/architecture",
                            "planner/task_breakdown",
                            "developer/initialize",
                            "developer/implement/W1",
                            "reviewer/implement/W1",
                            "developer/implement/W2",
                            "reviewer/implement/W2");
            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.COMPLETED);
            assertThat(completion(t, project, PhaseName.TASK_BREAKDOWN)
                            .path("items")
                            .asInt())
                    .isEqualTo(2);
        }
    }

    @ConcurrentTest
    void implement_oneAtATime_commitsEachItemInDependencyOrderThenPriorityThenKey() throws Exception {
        String responses = "responses:\n" + Documents.plan("W10:2", "W9:2", "W3:1:W10", "W1:3", "W2:1:W1");
        try (TestEngine t = engine(responses, Map.of("phases.implement.max_parallel", "1"))) {
            Project project = t.service.create("five small files", "files");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            // W9 and W10 are ready first at priority 2 (W9 sorts first), then W3 once W10 is done.
            List<String> itemCommits = commits(project).stream()
                    .filter(subject -> subject.startsWith("W"))
                    .toList();
            assertThat(itemCommits)
                    .containsExactly("W9: Build W9", "W10: Build W10", "W3: Build W3", "W1: Build W1", "W2: Build W2");
            for (WorkItem item : t.engine.items(project.id())) {
                assertThat(item.status()).isEqualTo(WorkItemStatus.DONE);
                assertThat(Runs.git(project).subject(item.commit().orElseThrow()))
                        .isEqualTo(item.key() + ": " + item.title());
                assertThat(project.workspace().resolve("scripted/" + item.key() + ".txt"))
                        .isRegularFile();
            }
            assertThat(Calls.in(home).of(Role.DEVELOPER, PhaseName.IMPLEMENT))
                    .extracting(c -> c.item().orElseThrow())
                    .containsExactly("W9", "W10", "W3", "W1", "W2");
        }
    }

    @ConcurrentTest
    void developerPrompt_namesTheItemItsCriteriaAndWhatItBuildsOn() throws Exception {
        String responses = "responses:\n" + Documents.plan("W1:1", "W2:1:W1");
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("two files", "files");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            String prompt = Calls.in(home).of(Role.DEVELOPER, "W2").getFirst().prompt();
            assertThat(prompt)
                    .contains("**W2 (Build W2)**", "Write scripted/W2.txt.", "- scripted/W2.txt exists", "- W1");
        }
    }

    @ConcurrentTest
    void test_runsTheArchitecturesTestCommand() throws Exception {
        String responses = "responses:\n" + Documents.architecture("test -f scripted/W1.txt");
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("a tested tool", "tested");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            JsonNode details = completion(t, project, PhaseName.TEST);
            assertThat(details.path("command").asString()).isEqualTo("test -f scripted/W1.txt");
            assertThat(details.path("fix_cycles").asInt()).isZero();
            List<JsonNode> runs = events(t, project, "tests_run");
            assertThat(runs).hasSize(1);
            assertThat(runs.getFirst().path("exit_code").asInt()).isZero();
            assertThat(Path.of(details.path("log").asString())).exists();
            assertThat(Calls.in(home).of(Role.FIXER, PhaseName.TEST)).isEmpty();
        }
    }

    @ConcurrentTest
    void test_failingTestsGetAFixerAndRunAgain() throws Exception {
        String responses = "responses:\n" + Documents.architecture("test -f fixed.txt") + """
                  - role: fixer
                    phase: test
                    files: {fixed.txt: "fixed\\n"}
                """;
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("a tool whose tests fail at first", "fixme");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(completion(t, project, PhaseName.TEST).path("fix_cycles").asInt())
                    .isEqualTo(1);
            assertThat(events(t, project, "tests_run"))
                    .extracting(e -> e.path("exit_code").asInt())
                    .containsExactly(1, 0);
            List<Calls.Call> fixes = Calls.in(home).of(Role.FIXER, PhaseName.TEST);
            assertThat(fixes).hasSize(1);
            assertThat(fixes.getFirst().prompt()).contains("Command: `test -f fixed.txt`");
            assertThat(commits(project)).last().isEqualTo("test: fix failing tests (cycle 1)");
            assertThat(Runs.git(project).hasChanges()).isFalse();
        }
    }

    @ConcurrentTest
    void test_stillFailingAfterTheFixCyclesFailsThePhase() throws Exception {
        String responses = "responses:\n" + Documents.architecture("test -f never.txt");
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("a tool whose tests never pass", "broken");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.FAILED);

            PhaseState test = phase(t, project, PhaseName.TEST);
            assertThat(test.status()).isEqualTo(PhaseStatus.FAILED);
            assertThat(test.error().orElseThrow())
                    .contains("the tests (test -f never.txt) still failed (exit 1) after 2 fix cycles");
            assertThat(Calls.in(home).of(Role.FIXER, PhaseName.TEST)).hasSize(2);
            // the fixers' commits are rolled back with the phase
            assertThat(commits(project)).last().isEqualTo("W2: Scripted second item");
        }
    }

    @ConcurrentTest
    void test_withoutATestCommandFailsWithWhatToDo() throws Exception {
        String responses = "responses:\n" + Documents.architecture("");
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("a tool without tests", "untested");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.FAILED);

            assertThat(phase(t, project, PhaseName.TEST).error().orElseThrow())
                    .contains("names no test command (commands.test)", "disable the test phase");
        }
    }

    @ConcurrentTest
    void disabledPhase_isSkipped() throws Exception {
        try (TestEngine t = engine("responses: []\n", Map.of("phases.test.enabled", "false"))) {
            Project project = t.service.create("a tool", "tool");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(phase(t, project, PhaseName.TEST).status()).isEqualTo(PhaseStatus.SKIPPED);
            assertThat(events(t, project, "tests_run")).isEmpty();
        }
    }

    @ConcurrentTest
    void deploy_runsTheDeployCommandAndRecordsTheFirstUrlItPrints() throws Exception {
        Map<String, String> settings = Map.of(
                "phases.deploy.enabled", "true",
                "deploy.command",
                        "echo building; echo 'live at https://photos.example.test/app'; echo https://later.test");
        try (TestEngine t = engine("responses: []\n", settings)) {
            Project project = t.service.create("a deployed tool", "deployed");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            JsonNode details = completion(t, project, PhaseName.DEPLOY);
            assertThat(details.path("status").asString()).isEqualTo("deployed");
            assertThat(details.path("url").asString()).isEqualTo("https://photos.example.test/app");
            assertThat(Calls.in(home).of(Role.DEPLOYER, PhaseName.DEPLOY)).isEmpty();
        }
    }

    @ConcurrentTest
    void deploy_commandThatFailsFailsThePhase() throws Exception {
        Map<String, String> settings = Map.of("phases.deploy.enabled", "true", "deploy.command", "echo no; exit 7");
        try (TestEngine t = engine("responses: []\n", settings)) {
            Project project = t.service.create("a tool that does not deploy", "undeployed");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.FAILED);

            assertThat(phase(t, project, PhaseName.DEPLOY).error().orElseThrow())
                    .contains("the deploy command (echo no; exit 7) failed with exit code 7");
        }
    }

    @ConcurrentTest
    void deploy_withoutACommandAsksTheDeployerAgent() throws Exception {
        String responses = """
                responses:
                  - role: deployer
                    json: {contract: deploy.v1, status: deployed, url: "https://agent.example.test", notes: "Shipped."}
                """;
        try (TestEngine t = engine(responses, Map.of("phases.deploy.enabled", "true"))) {
            Project project = t.service.create("a tool an agent deploys", "agent-deployed");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            List<Calls.Call> deployer = Calls.in(home).of(Role.DEPLOYER, PhaseName.DEPLOY);
            assertThat(deployer).extracting(Calls.Call::contract).containsExactly("deploy.v1");
            JsonNode details = completion(t, project, PhaseName.DEPLOY);
            assertThat(details.path("status").asString()).isEqualTo("deployed");
            assertThat(details.path("url").asString()).isEqualTo("https://agent.example.test");
            assertThat(details.path("notes").asString()).isEqualTo("Shipped.");
        }
    }

    @ConcurrentTest
    void deploy_deployerThatCannotDeployFailsThePhase() throws Exception {
        String responses = """
                responses:
                  - role: deployer
                    json: {contract: deploy.v1, status: failed, url: null, notes: "No credentials for the server."}
                """;
        try (TestEngine t = engine(responses, Map.of("phases.deploy.enabled", "true"))) {
            Project project = t.service.create("a tool an agent cannot deploy", "undeployable");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.FAILED);

            assertThat(phase(t, project, PhaseName.DEPLOY).error().orElseThrow())
                    .isEqualTo("the deployer could not deploy: No credentials for the server.");
        }
    }

    @ConcurrentTest
    void test_commandThatRunsTooLongIsStoppedAtItsTimeout() throws Exception {
        String responses = "responses:\n" + Documents.architecture("sleep 30");
        Map<String, String> settings = Map.of("phases.test.timeout_seconds", "1", "phases.test.max_review_cycles", "0");
        try (TestEngine t = engine(responses, settings)) {
            Project project = t.service.create("a tool whose tests hang", "hanging");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.FAILED);

            assertThat(phase(t, project, PhaseName.TEST).error().orElseThrow())
                    .contains("the tests (sleep 30) still timed out after 1 s after 0 fix cycles");
            assertThat(events(t, project, "tests_run")
                            .getFirst()
                            .path("timed_out")
                            .asBoolean())
                    .isTrue();
        }
    }

    @ConcurrentTest
    void manyProjectsAtOnce_eachCompletesWithItsOwnWork() throws Exception {
        try (TestEngine t = engine("responses: []\n", Map.of())) {
            List<Project> projects = new ArrayList<>();
            List<CompletableFuture<RunOutcome>> runs = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                Project project = t.service.create("tool number " + i, "tool-" + i);
                projects.add(project);
                runs.add(Runs.begin(t, project));
            }

            for (var outcome : runs) {
                assertThat(outcome.get(Runs.WAIT.toSeconds(), TimeUnit.SECONDS))
                        .as(progress(t))
                        .isEqualTo(RunOutcome.COMPLETED);
            }
            for (Project project : projects) {
                assertThat(commits(project)).hasSize(7).endsWith("W1: Scripted first item", "W2: Scripted second item");
                assertThat(Runs.git(project).hasChanges()).isFalse();
                assertThat(t.engine.items(project.id()))
                        .extracting(WorkItem::status)
                        .containsOnly(WorkItemStatus.DONE);
            }
            assertThat(Calls.in(home).all()).hasSize(5 * 8);
        }
    }

    @ConcurrentTest
    void deploy_urlAtTheEndOfASentenceIsRecordedWithoutThePunctuation() throws Exception {
        Map<String, String> settings = Map.of(
                "phases.deploy.enabled",
                "true",
                "deploy.command",
                "echo 'Deployed (see https://photos.example.test/app).'");
        try (TestEngine t = engine("responses: []\n", settings)) {
            Project project = t.service.create("a deployed tool", "deployed");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(completion(t, project, PhaseName.DEPLOY).path("url").asString())
                    .isEqualTo("https://photos.example.test/app");
        }
    }
}
