package dev.orchestrator.pipeline;

import static dev.orchestrator.pipeline.Runs.commits;
import static dev.orchestrator.pipeline.Runs.item;
import static dev.orchestrator.pipeline.Runs.phase;
import static dev.orchestrator.pipeline.Runs.progress;
import static dev.orchestrator.pipeline.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.agent.Role;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.project.PhaseStatus;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectStatus;
import dev.orchestrator.work.WorkItem;
import dev.orchestrator.work.WorkItemStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** Developer, reviewer and fixer on each work item, and what happens when the review never passes. */
class ReviewLoopTest {
    private static final String FINDING = "Handle an empty file";
    /** W2 depends on W1; W3 does not. */
    private static final String PLAN = Documents.plan("W1:1", "W2:2:W1", "W3:2");

    @TempDir
    Path home;

    /** Checkpoint autonomy where only the implement phase's decisions pause the run. */
    private TestEngine checkpoint(String responses) {
        return engine(
                responses,
                Map.of(
                        "phases.ideation.checkpoint", "false",
                        "phases.architecture.checkpoint", "false",
                        "phases.task_breakdown.checkpoint", "false"));
    }

    private TestEngine engine(String responses, Map<String, String> settings) {
        return TestEngine.start(
                home, Calls.script(home, "responses:\n" + responses), new LinkedHashMap<>(settings), Optional.empty());
    }

    private static Decisions.Pending.ItemDecision decision(TestEngine t, Project project) {
        Decisions.Pending pending =
                t.engine.decisions().pending(project.id()).orElseThrow(() -> new AssertionError(progress(t)));
        assertThat(pending).isInstanceOf(Decisions.Pending.ItemDecision.class);
        return (Decisions.Pending.ItemDecision) pending;
    }

    @ConcurrentTest
    void reviewFailingOnce_isFixedAndTheItemCommittedAfterOneCycle() throws Exception {
        try (TestEngine t = engine(Documents.failingReview("W1", 1, FINDING), Map.of("autonomy", "full"))) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            WorkItem w1 = item(t, project, "W1");
            assertThat(w1.status()).isEqualTo(WorkItemStatus.DONE);
            assertThat(w1.reviewCycles()).isEqualTo(1);
            Calls calls = Calls.in(home);
            assertThat(calls.of(Role.FIXER, "W1")).hasSize(1);
            assertThat(calls.of(Role.FIXER, "W1").getFirst().prompt())
                    .contains("This is fix round 1 of 2", "**major** `scripted/W1.txt:1`: " + FINDING);
            List<Calls.Call> reviews = calls.of(Role.REVIEWER, "W1");
            assertThat(reviews).hasSize(2);
            assertThat(reviews.get(0).prompt()).doesNotContain(FINDING);
            assertThat(reviews.get(1).prompt()).contains("Findings of the previous review", FINDING);
            // the commit holds the fixer's work
            assertThat(commits(project)).contains("W1: Scripted first item");
            assertThat(Files.readString(project.workspace().resolve("scripted/W1.txt")))
                    .contains("scripted fixer");
        }
    }

    @ConcurrentTest
    void reviewThatNeverPasses_leavesTheItemNeedingAttentionAndItsDependentsWaiting() throws Exception {
        try (TestEngine t = checkpoint(PLAN + Documents.failingReview("W1", 99, FINDING))) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            WorkItem w1 = item(t, project, "W1");
            assertThat(w1.status()).isEqualTo(WorkItemStatus.NEEDS_ATTENTION);
            assertThat(w1.reviewCycles()).isEqualTo(2);
            assertThat(w1.findings().orElseThrow()).contains(FINDING, "major");
            assertThat(item(t, project, "W2").status()).isEqualTo(WorkItemStatus.TODO);
            assertThat(item(t, project, "W3").status()).isEqualTo(WorkItemStatus.DONE);
            Calls calls = Calls.in(home);
            assertThat(calls.of(Role.REVIEWER, "W1")).hasSize(3);
            assertThat(calls.of(Role.FIXER, "W1")).hasSize(2);
            assertThat(calls.of(Role.DEVELOPER, "W2")).isEmpty();
            // W1's unfinished work is set aside; W3's commit stays
            assertThat(project.workspace().resolve("scripted/W1.txt")).doesNotExist();
            assertThat(Runs.git(project).hasChanges()).isFalse();
            assertThat(commits(project)).last().isEqualTo("W3: Build W3");

            var pending = decision(t, project);
            assertThat(pending.item().key()).isEqualTo("W1");
            assertThat(pending.approval().summary()).contains("W1 Build W1", "major: " + FINDING);
            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.WAITING_APPROVAL);
            assertThat(phase(t, project, PhaseName.IMPLEMENT).status()).isEqualTo(PhaseStatus.WAITING);
        }
    }

    @ConcurrentTest
    void skip_letsTheDependentsRun() throws Exception {
        try (TestEngine t = checkpoint(PLAN + Documents.failingReview("W1", 99, FINDING))) {
            Project project = t.service.create("a tool that renames photos by date", "photos");
            run(t, project);

            t.engine.decisions().decideItem(decision(t, project), Approval.Status.SKIP, "");
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(item(t, project, "W1").status()).isEqualTo(WorkItemStatus.SKIPPED);
            assertThat(item(t, project, "W2").status()).isEqualTo(WorkItemStatus.DONE);
            assertThat(commits(project)).noneMatch(c -> c.startsWith("W1:")).contains("W2: Build W2");
            assertThat(Runs.completion(t, project, PhaseName.IMPLEMENT)
                            .path("skipped")
                            .asInt())
                    .isEqualTo(1);
            // skipping does not re-run the skipped item
            assertThat(Calls.in(home).of(Role.DEVELOPER, "W1")).hasSize(1);
        }
    }

    @ConcurrentTest
    void retryWithGuidance_rerunsTheItemWithTheGuidanceInTheDevelopersPrompt() throws Exception {
        try (TestEngine t = checkpoint(PLAN + Documents.failingReview("W1", 3, FINDING))) {
            Project project = t.service.create("a tool that renames photos by date", "photos");
            run(t, project);

            t.engine
                    .decisions()
                    .decideItem(decision(t, project), Approval.Status.RETRY, "Write the file in upper case.");
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            WorkItem w1 = item(t, project, "W1");
            assertThat(w1.status()).isEqualTo(WorkItemStatus.DONE);
            assertThat(w1.attempts()).isEqualTo(2);
            assertThat(w1.reviewCycles()).isZero();
            List<Calls.Call> developer = Calls.in(home).of(Role.DEVELOPER, "W1");
            assertThat(developer).hasSize(2);
            assertThat(developer.get(0).prompt()).doesNotContain("upper case");
            assertThat(developer.get(1).prompt()).contains("Guidance from the person", "Write the file in upper case.");
            assertThat(commits(project)).containsSubsequence("W3: Build W3", "W1: Build W1", "W2: Build W2");
        }
    }

    @ConcurrentTest
    void accept_commitsTheItemsLastWorkWithoutAPassingReview() throws Exception {
        try (TestEngine t = checkpoint(PLAN + Documents.failingReview("W1", 99, FINDING))) {
            Project project = t.service.create("a tool that renames photos by date", "photos");
            run(t, project);

            t.engine.decisions().decideItem(decision(t, project), Approval.Status.ACCEPT, "");
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            WorkItem w1 = item(t, project, "W1");
            assertThat(w1.status()).isEqualTo(WorkItemStatus.DONE);
            assertThat(Runs.git(project).subject(w1.commit().orElseThrow()))
                    .isEqualTo("W1: Build W1 (accepted without a passing review)");
            assertThat(commits(project))
                    .containsSubsequence(
                            "W3: Build W3", "W1: Build W1 (accepted without a passing review)", "W2: Build W2");
            // the last fixer's work, as the last review saw it
            assertThat(Files.readString(project.workspace().resolve("scripted/W1.txt")))
                    .contains("scripted fixer");
            assertThat(Calls.in(home).of(Role.DEVELOPER, "W1")).hasSize(1);
        }
    }

    @ConcurrentTest
    void fullAutonomy_failsTheImplementPhaseNamingTheItem_andANewRunRetriesIt() throws Exception {
        try (TestEngine t = engine(PLAN + Documents.failingReview("W1", 3, FINDING), Map.of("autonomy", "full"))) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.FAILED);

            assertThat(phase(t, project, PhaseName.IMPLEMENT).error().orElseThrow())
                    .contains("W1 Build W1 needs attention", "1 items wait on it", "/resume " + project.id());
            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.FAILED);
            assertThat(item(t, project, "W3").status()).isEqualTo(WorkItemStatus.DONE);
            assertThat(commits(project)).last().isEqualTo("W3: Build W3");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(item(t, project, "W1").status()).isEqualTo(WorkItemStatus.DONE);
            assertThat(item(t, project, "W1").attempts()).isEqualTo(2);
            assertThat(commits(project)).containsSubsequence("W3: Build W3", "W1: Build W1", "W2: Build W2");
            assertThat(Calls.in(home).of(Role.DEVELOPER, "W3")).hasSize(1);
        }
    }

    @ConcurrentTest
    void blockedDeveloper_needsAttentionWithoutAReview() throws Exception {
        String blocked = """
                  - role: developer
                    item: W1
                    json: {contract: dev_result.v1, status: blocked, summary: "Stuck.", files: [],
                           blocker: "The plan names no file format."}
                """;
        try (TestEngine t = checkpoint(PLAN + blocked)) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            WorkItem w1 = item(t, project, "W1");
            assertThat(w1.status()).isEqualTo(WorkItemStatus.NEEDS_ATTENTION);
            assertThat(w1.findings().orElseThrow()).contains("developer blocked: The plan names no file format.");
            assertThat(Calls.in(home).of(Role.REVIEWER, "W1")).isEmpty();
            assertThat(decision(t, project).item().key()).isEqualTo("W1");
        }
    }

    @ConcurrentTest
    void acceptThatNoLongerApplies_asksForAnotherDecision() throws Exception {
        // W1 and W3 both write shared.txt: once W3 is committed, W1's work no longer applies as it is
        String responses = Documents.plan("W1:1", "W3:2") + Documents.failingReview("W1", 99, FINDING) + """
                  - role: developer
                    item: W1
                    files: {shared.txt: "from W1\\n"}
                  - role: fixer
                    item: W1
                    files: {shared.txt: "fixed by W1\\n"}
                  - role: developer
                    item: W3
                    files: {shared.txt: "from W3\\n"}
                """;
        try (TestEngine t = checkpoint(responses)) {
            Project project = t.service.create("a tool that renames photos by date", "photos");
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);
            t.engine.decisions().decideItem(decision(t, project), Approval.Status.ACCEPT, "");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            var again = decision(t, project);
            assertThat(again.item().key()).isEqualTo("W1");
            assertThat(again.approval().summary()).contains("does not apply cleanly");
            assertThat(item(t, project, "W1").status()).isEqualTo(WorkItemStatus.NEEDS_ATTENTION);
            assertThat(item(t, project, "W1").findings().orElseThrow()).contains(FINDING, "does not apply cleanly");
            assertThat(Files.readString(project.workspace().resolve("shared.txt")))
                    .isEqualTo("from W3\n");
            assertThat(Runs.git(project).hasChanges()).isFalse();

            t.engine.decisions().decideItem(again, Approval.Status.SKIP, "");
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);
        }
    }
}
