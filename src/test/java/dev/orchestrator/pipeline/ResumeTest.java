package dev.orchestrator.pipeline;

import static dev.orchestrator.pipeline.Runs.WAIT;
import static dev.orchestrator.pipeline.Runs.begin;
import static dev.orchestrator.pipeline.Runs.commits;
import static dev.orchestrator.pipeline.Runs.item;
import static dev.orchestrator.pipeline.Runs.phase;
import static dev.orchestrator.pipeline.Runs.progress;
import static dev.orchestrator.pipeline.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchestrator.agent.Role;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.project.PhaseStatus;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectStatus;
import dev.orchestrator.work.WorkItemStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;

/** Stopping a running project, and resuming it on a new engine from its last finished step. */
class ResumeTest {
    private static final List<String> ALL_COMMITS = List.of(
            "Start project",
            "docs: requirements",
            "docs: architecture",
            "docs: work-plan",
            "initialize: scaffold the project",
            "W1: Scripted first item",
            "W2: Scripted second item");

    @TempDir
    Path home;

    private TestEngine engine(Path script, Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("autonomy", "full"));
        all.putAll(settings);
        return TestEngine.start(home, script, all, Optional.empty());
    }

    /** Waits until an agent call of this role has started on the item (its session is recorded). */
    private static void awaitCallStarted(TestEngine t, Project project, Role role, String itemKey) {
        await().atMost(WAIT).until(() -> {
            long itemId = t.engine.items(project.id()).stream()
                    .filter(i -> i.key().equals(itemKey))
                    .findFirst()
                    .map(i -> i.id())
                    .orElse(-1L);
            return Runs.sessions(t, project).stream()
                    .anyMatch(s -> s.path("role").asString().equals(role.wireName())
                            && s.path("work_item_id").asLong(-2) == itemId);
        });
    }

    /** Waits until an agent call of this role has started (its session is recorded). */
    private static void awaitCallStarted(TestEngine t, Project project, Role role) {
        await().atMost(WAIT)
                .until(() -> Runs.sessions(t, project).stream()
                        .anyMatch(s -> s.path("role").asString().equals(role.wireName())));
    }

    @ConcurrentTest
    void stopMidImplement_returnsStoppedAndANewEngineFinishesWithoutRepeatingCalls() throws Exception {
        Path script = Calls.script(home, """
                responses:
                  - phase: implement
                    delay_ms: 300
                """);
        Project project;
        try (TestEngine t = engine(script, Map.of())) {
            project = t.service.create("a tool that renames photos by date", "photos");
            CompletableFuture<RunOutcome> done = begin(t, project);
            await().atMost(WAIT)
                    .until(() -> Calls.in(home).of(Role.DEVELOPER, "W1").size() == 1);

            assertThat(t.engine.supervisor().stop(project.id(), "stopped by the test"))
                    .isTrue();

            assertThat(done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as(progress(t))
                    .isEqualTo(RunOutcome.STOPPED);
            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.STOPPED);
            assertThat(phase(t, project, PhaseName.IMPLEMENT).status()).isEqualTo(PhaseStatus.RUNNING);
            assertThat(item(t, project, "W2").status()).isEqualTo(WorkItemStatus.TODO);
            assertThat(Runs.events(t, project, "phase_interrupted")
                            .getFirst()
                            .path("reason")
                            .asString())
                    .isEqualTo("stopped by the test");
            assertThat(t.engine.supervisor().isRunning(project.id())).isFalse();
        }

        try (TestEngine t = engine(script, Map.of())) {
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(commits(project)).containsExactlyElementsOf(ALL_COMMITS);
            assertThat(Calls.in(home).perStep()).hasSize(8);
            assertThat(Calls.in(home).perStep().values()).containsOnly(1L);
            assertThat(phase(t, project, PhaseName.IMPLEMENT).attempts()).isEqualTo(1);
        }
    }

    @ConcurrentTest
    void itemStoppedBetweenDeveloperAndReviewer_resumesFromTheReviewerWithTheDevelopersFiles() throws Exception {
        Path script = Calls.script(home, """
                responses:
                  - role: developer
                    item: W1
                    delay_ms: 500
                    files: {src/w1.txt: "from the developer\\n"}
                    json: {contract: dev_result.v1, status: done, summary: "Wrote src/w1.txt.", files: [src/w1.txt],
                           blocker: null}
                """);
        // a grace long enough that the developer's call finishes: the stop lands before the reviewer
        Map<String, String> patient = Map.of("recovery.shutdown_grace_seconds", "30");
        Project project;
        try (TestEngine t = engine(script, patient)) {
            project = t.service.create("a tool that renames photos by date", "photos");
            CompletableFuture<RunOutcome> done = begin(t, project);
            awaitCallStarted(t, project, Role.DEVELOPER, "W1");

            t.engine.supervisor().stop(project.id(), "stopped by the test");

            assertThat(done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as(progress(t))
                    .isEqualTo(RunOutcome.STOPPED);
            assertThat(item(t, project, "W1").status()).isEqualTo(WorkItemStatus.IN_PROGRESS);
            assertThat(Calls.in(home).of(Role.DEVELOPER, "W1")).hasSize(1);
            assertThat(Calls.in(home).of(Role.REVIEWER, "W1")).isEmpty();
        }
        // whatever happened to the item's worktree meanwhile, the finished step's snapshot is what counts
        Path worktree = project.workspace().resolve(".orchestrator/worktrees/W1");
        Files.delete(worktree.resolve("src/w1.txt"));
        Files.writeString(worktree.resolve("stray.txt"), "not from any agent\n");

        try (TestEngine t = engine(script, Map.of())) {
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(Calls.in(home).of(Role.DEVELOPER, "W1")).hasSize(1);
            List<Calls.Call> review = Calls.in(home).of(Role.REVIEWER, "W1");
            assertThat(review).hasSize(1);
            assertThat(review.getFirst().prompt()).contains("Wrote src/w1.txt.", "`src/w1.txt`");
            assertThat(progress(t)).contains("W1 resumed in its worktree after 1 finished step");
            assertThat(commits(project)).containsExactlyElementsOf(ALL_COMMITS);
            assertThat(Files.readString(project.workspace().resolve("src/w1.txt")))
                    .isEqualTo("from the developer\n");
            assertThat(project.workspace().resolve("stray.txt")).doesNotExist();
            assertThat(Runs.git(project).hasChanges()).isFalse();
        }
    }

    @ConcurrentTest
    void stopDuringALongCall_interruptsItAfterTheGraceAndTheNextRunCallsAgain() throws Exception {
        Path script = Calls.script(home, """
                responses:
                  - role: developer
                    item: W1
                    delay_ms: 60000
                """);
        Project project;
        try (TestEngine t = engine(script, Map.of("recovery.shutdown_grace_seconds", "1"))) {
            project = t.service.create("a tool that renames photos by date", "photos");
            CompletableFuture<RunOutcome> done = begin(t, project);
            awaitCallStarted(t, project, Role.DEVELOPER, "W1");

            t.engine.supervisor().stop(project.id(), "stopped by the test");

            assertThat(done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as(progress(t))
                    .isEqualTo(RunOutcome.STOPPED);
            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.STOPPED);
            assertThat(item(t, project, "W1").status()).isEqualTo(WorkItemStatus.IN_PROGRESS);
            // an interrupted call is recorded as such, and never logged as a completed one
            assertThat(Runs.sessions(t, project).getLast().path("status").asString())
                    .isEqualTo("interrupted");
            assertThat(Calls.in(home).of(Role.DEVELOPER, "W1")).isEmpty();
        }

        Calls.script(home, "responses: []\n");
        try (TestEngine t = engine(script, Map.of())) {
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            List<Calls.Call> developer = Calls.in(home).of(Role.DEVELOPER, "W1");
            assertThat(developer).hasSize(1);
            // the agent's interrupted session is continued, told what happened
            assertThat(developer.getFirst().continued()).isTrue();
            assertThat(developer.getFirst().prompt()).contains("interrupted before it finished");
            assertThat(Calls.in(home).perStep().values()).containsOnly(1L);
            assertThat(commits(project)).containsExactlyElementsOf(ALL_COMMITS);
        }
    }

    @ConcurrentTest
    void stopDuringAPlanningCall_finishesThePhaseAndStopsBeforeTheNext() throws Exception {
        Path script = Calls.script(home, """
                responses:
                  - role: analyst
                    delay_ms: 500
                """);
        Project project;
        try (TestEngine t = engine(script, Map.of("recovery.shutdown_grace_seconds", "30"))) {
            project = t.service.create("a tool that renames photos by date", "photos");
            CompletableFuture<RunOutcome> done = begin(t, project);
            awaitCallStarted(t, project, Role.ANALYST);

            t.engine.supervisor().stop(project.id(), "stopped by the test");

            assertThat(done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as(progress(t))
                    .isEqualTo(RunOutcome.STOPPED);
            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.STOPPED);
            assertThat(phase(t, project, PhaseName.IDEATION).status()).isEqualTo(PhaseStatus.COMPLETED);
            assertThat(phase(t, project, PhaseName.ARCHITECTURE).status()).isEqualTo(PhaseStatus.PENDING);
        }

        try (TestEngine t = engine(script, Map.of())) {
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(Calls.in(home).perStep().values()).containsOnly(1L);
            assertThat(commits(project)).containsExactlyElementsOf(ALL_COMMITS);
        }
    }

    @ConcurrentTest
    void itemStoppedDuringAFixCycle_resumesWithTheReviewOfTheFix() throws Exception {
        Path script = Calls.script(home, "responses:\n" + Documents.failingReview("W1", 1, "Say more") + """
                  - role: fixer
                    item: W1
                    delay_ms: 500
                    files: {scripted/W1.txt: "fixed\\n"}
                """);
        Project project;
        try (TestEngine t = engine(script, Map.of("recovery.shutdown_grace_seconds", "30"))) {
            project = t.service.create("a tool that renames photos by date", "photos");
            CompletableFuture<RunOutcome> done = begin(t, project);
            awaitCallStarted(t, project, Role.FIXER, "W1");

            t.engine.supervisor().stop(project.id(), "stopped by the test");

            assertThat(done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as(progress(t))
                    .isEqualTo(RunOutcome.STOPPED);
            assertThat(item(t, project, "W1").status()).isEqualTo(WorkItemStatus.IN_PROGRESS);
        }

        Calls.script(home, "responses: []\n");
        try (TestEngine t = engine(script, Map.of())) {
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            Calls calls = Calls.in(home);
            assertThat(calls.of(Role.DEVELOPER, "W1")).hasSize(1);
            assertThat(calls.of(Role.FIXER, "W1")).hasSize(1);
            List<Calls.Call> reviews = calls.of(Role.REVIEWER, "W1");
            assertThat(reviews).hasSize(2);
            assertThat(reviews.get(1).prompt()).contains("Findings of the previous review", "Say more");
            assertThat(item(t, project, "W1").reviewCycles()).isEqualTo(1);
            assertThat(Files.readString(project.workspace().resolve("scripted/W1.txt")))
                    .isEqualTo("fixed\n");
            assertThat(commits(project)).containsExactlyElementsOf(ALL_COMMITS);
        }
    }

    @ConcurrentTest
    void testPhaseStoppedDuringItsFixer_resumesWithoutCallingItAgain() throws Exception {
        Path script = Calls.script(home, "responses:\n" + Documents.architecture("test -f fixed.txt") + """
                  - role: fixer
                    phase: test
                    delay_ms: 500
                    files: {fixed.txt: "fixed\\n"}
                """);
        Project project;
        try (TestEngine t = engine(script, Map.of("recovery.shutdown_grace_seconds", "30"))) {
            project = t.service.create("a tool that renames photos by date", "photos");
            CompletableFuture<RunOutcome> done = begin(t, project);
            awaitCallStarted(t, project, Role.FIXER);

            t.engine.supervisor().stop(project.id(), "stopped by the test");

            assertThat(done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as(progress(t))
                    .isEqualTo(RunOutcome.STOPPED);
            assertThat(phase(t, project, PhaseName.TEST).status()).isEqualTo(PhaseStatus.RUNNING);
        }

        try (TestEngine t = engine(script, Map.of())) {
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(Calls.in(home).of(Role.FIXER, PhaseName.TEST)).hasSize(1);
            assertThat(Runs.completion(t, project, PhaseName.TEST)
                            .path("fix_cycles")
                            .asInt())
                    .isEqualTo(1);
            assertThat(commits(project))
                    .filteredOn(c -> c.startsWith("test:"))
                    .containsExactly("test: fix failing tests (cycle 1)");
            assertThat(Runs.git(project).hasChanges()).isFalse();
        }
    }

    @ConcurrentTest
    void stop_ofAProjectThatIsNotRunning_saysSo() throws Exception {
        try (TestEngine t = engine(Calls.script(home, "responses: []\n"), Map.of())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(t.engine.supervisor().stop(project.id(), "nothing to stop"))
                    .isFalse();
        }
    }
}
