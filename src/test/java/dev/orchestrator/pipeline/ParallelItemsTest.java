package dev.orchestrator.pipeline;

import static dev.orchestrator.pipeline.Runs.WAIT;
import static dev.orchestrator.pipeline.Runs.begin;
import static dev.orchestrator.pipeline.Runs.commits;
import static dev.orchestrator.pipeline.Runs.events;
import static dev.orchestrator.pipeline.Runs.item;
import static dev.orchestrator.pipeline.Runs.progress;
import static dev.orchestrator.pipeline.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchestrator.agent.Role;
import dev.orchestrator.project.Project;
import dev.orchestrator.work.WorkItemStatus;
import dev.orchestrator.workspace.Git;
import dev.orchestrator.workspace.GitCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;

/**
 * Work items in parallel: each in its own worktree and branch, merged into main under the merge
 * lock, conflicts resolved by the fixer or kept on their branch, orphans set aside, a person's
 * changes in main never overwritten (a merge that would overwrite them waits), and interrupted
 * items resumed in their worktrees.
 */
class ParallelItemsTest {
    /** W1, W2 and W3 are independent; W4 needs all three. */
    private static final String WIDE_PLAN = Documents.plan("W1:1", "W2:1", "W3:1", "W4:2:W1,W2,W3");

    @TempDir
    Path home;

    private TestEngine engine(String responses, Map<String, String> settings) {
        Map<String, String> all = new java.util.LinkedHashMap<>(Map.of("autonomy", "full"));
        all.putAll(settings);
        return TestEngine.start(home, Calls.script(home, "responses:\n" + responses), all, Optional.empty());
    }

    private static String slowDevelopers(int millis, String... items) {
        StringBuilder yaml = new StringBuilder();
        for (String item : items) {
            yaml.append("""
                      - role: developer
                        item: %s
                        delay_ms: %d
                    """.formatted(item, millis));
        }
        return yaml.toString();
    }

    private static List<String> branches(Project project) {
        return Runs.git(project).branches("orchestrator/");
    }

    private static List<Git.Worktree> worktrees(Project project) {
        return Runs.git(project).worktrees();
    }

    private static void awaitRunning(TestEngine t, Project project, int items) {
        await().atMost(WAIT)
                .until(() -> t.engine.services().board().running(project.id()).size() >= items);
    }

    @ConcurrentTest
    void independentItems_runAtOnceInTheirOwnWorktrees_andAllLandOnMain() throws Exception {
        String responses = WIDE_PLAN + slowDevelopers(1500, "W1", "W2", "W3");
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("four small files", "files");
            CompletableFuture<RunOutcome> done = begin(t, project);

            awaitRunning(t, project, 3);
            assertThat(t.engine.services().board().running(project.id()))
                    .extracting(ActivityBoard.Entry::key)
                    .containsExactly("W1", "W2", "W3");
            Path w1 = project.workspace().resolve(".orchestrator/worktrees/W1");
            assertThat(worktrees(project))
                    .extracting(w -> w.branch().orElse(""))
                    .contains("orchestrator/W1");
            assertThat(w1).isDirectory();

            assertThat(done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as(progress(t))
                    .isEqualTo(RunOutcome.COMPLETED);
            List<String> commits = commits(project);
            assertThat(commits).contains("W1: Build W1", "W2: Build W2", "W3: Build W3", "W4: Build W4");
            // W4 started from a main that had all three of its dependencies
            assertThat(commits.indexOf("W4: Build W4")).isGreaterThan(commits.indexOf("W1: Build W1"));
            assertThat(commits.indexOf("W4: Build W4")).isGreaterThan(commits.indexOf("W2: Build W2"));
            assertThat(commits.indexOf("W4: Build W4")).isGreaterThan(commits.indexOf("W3: Build W3"));
            for (String key : List.of("W1", "W2", "W3", "W4")) {
                assertThat(item(t, project, key).status()).isEqualTo(WorkItemStatus.DONE);
                assertThat(project.workspace().resolve("scripted/" + key + ".txt"))
                        .isRegularFile();
            }
            assertThat(progress(t)).contains("W1 Build W1: developer at work in orchestrator/W1", "merged into main");
            // every worktree removed after its merge, every merged branch deleted, main clean
            assertThat(worktrees(project)).hasSize(1);
            assertThat(branches(project)).isEmpty();
            assertThat(Runs.git(project).hasChanges()).isFalse();
            assertThat(Runs.git(project).currentBranch()).contains("main");
        }
    }

    @ConcurrentTest
    void oneAtATime_whenMaxParallelIsOne() throws Exception {
        String responses = WIDE_PLAN + slowDevelopers(600, "W1", "W2", "W3");
        try (TestEngine t = engine(responses, Map.of("phases.implement.max_parallel", "1"))) {
            Project project = t.service.create("four small files", "files");
            CompletableFuture<RunOutcome> done = begin(t, project);

            assertThat(done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as(progress(t))
                    .isEqualTo(RunOutcome.COMPLETED);
            assertThat(commits(project))
                    .containsSubsequence("W1: Build W1", "W2: Build W2", "W3: Build W3", "W4: Build W4");
            // each item's calls end before the next item's begin
            assertThat(Calls.in(home).steps().stream()
                            .filter(step -> step.matches("(developer|reviewer)/implement/W[1-4]"))
                            .toList())
                    .containsExactly(
                            "developer/implement/W1",
                            "reviewer/implement/W1",
                            "developer/implement/W2",
                            "reviewer/implement/W2",
                            "developer/implement/W3",
                            "reviewer/implement/W3",
                            "developer/implement/W4",
                            "reviewer/implement/W4");
        }
    }

    /** W1 and W2 both create shared.txt; W2 is slower, so its merge meets W1's version. */
    private static final String CONFLICTING =
            Documents.architecture("test -f shared.txt") + Documents.plan("W1:1", "W2:1") + """
              - role: developer
                item: W1
                files: {shared.txt: "one\\n"}
                json: {contract: dev_result.v1, status: done, summary: "Wrote shared.txt.", files: [shared.txt], blocker: null}
              - role: developer
                item: W2
                delay_ms: 1500
                files: {shared.txt: "two\\n"}
                json: {contract: dev_result.v1, status: done, summary: "Wrote shared.txt.", files: [shared.txt], blocker: null}
            """;

    @ConcurrentTest
    void plantedConflict_isResolvedByTheFixerInTheWorktree_thenMerged() throws Exception {
        String responses = CONFLICTING + """
              - role: fixer
                files: {shared.txt: "one\\ntwo\\n"}
                json: {contract: dev_result.v1, status: done, summary: "Kept both lines.", files: [shared.txt], blocker: null}
            """;
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("two files that collide", "collide");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(item(t, project, "W1").status()).isEqualTo(WorkItemStatus.DONE);
            assertThat(item(t, project, "W2").status()).isEqualTo(WorkItemStatus.DONE);
            assertThat(Files.readString(project.workspace().resolve("shared.txt")))
                    .isEqualTo("one\ntwo\n");
            List<Calls.Call> fixes = Calls.in(home).of(Role.FIXER, "W2");
            assertThat(fixes).hasSize(1);
            assertThat(fixes.getFirst().prompt())
                    .contains("Resolve the merge of W2", "`shared.txt`", "<<<<<<<", "round 1 of 2");
            assertThat(events(t, project, "merge_conflict")).hasSize(1);
            assertThat(progress(t))
                    .contains("W2 conflicts with main in shared.txt; fixer resolving (round 1/2)")
                    .contains("W2 review: pass, merged into main as")
                    .contains("(conflict resolved by the fixer)");
            assertThat(commits(project)).contains("W1: Build W1", "W2: Build W2");
            assertThat(branches(project)).isEmpty();
            assertThat(Runs.git(project).hasChanges()).isFalse();
        }
    }

    @ConcurrentTest
    void unresolvableConflict_needsAttention_andTheBranchKeepsTheItemsWork() throws Exception {
        // the fixer answers but leaves the conflict markers where they are
        String responses = CONFLICTING + """
              - role: fixer
                json: {contract: dev_result.v1, status: done, summary: "Looked at it.", files: [], blocker: null}
            """;
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("two files that collide", "collide");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.FAILED);

            assertThat(item(t, project, "W1").status()).isEqualTo(WorkItemStatus.DONE);
            var w2 = item(t, project, "W2");
            assertThat(w2.status()).isEqualTo(WorkItemStatus.NEEDS_ATTENTION);
            assertThat(w2.findings().orElseThrow()).contains("conflicts in shared.txt", "conflict markers");
            assertThat(Calls.in(home).of(Role.FIXER, "W2")).hasSize(2);
            // main has W1's version and nothing half-merged
            assertThat(Files.readString(project.workspace().resolve("shared.txt")))
                    .isEqualTo("one\n");
            assertThat(Runs.git(project).hasChanges()).isFalse();
            // W2's work is on its branch, which is kept; its worktree is gone
            assertThat(branches(project)).containsExactly("orchestrator/W2");
            Git git = Runs.git(project);
            String tip = git.branchHead("orchestrator/W2").orElseThrow();
            assertThat(git.subject(tip)).isEqualTo("W2: Build W2");
            assertThat(worktrees(project)).hasSize(1);
            assertThat(progress(t)).contains("its work stays on branch orchestrator/W2");
        }
    }

    @ConcurrentTest
    void orphanedWorktrees_areSetAside_keepingUnmergedWork_andInterruptedItemsResumeInTheirWorktrees()
            throws Exception {
        String responses = WIDE_PLAN + """
              - role: developer
                item: W1
                delay_ms: 800
            """;
        Project project;
        try (TestEngine t = engine(responses, Map.of("phases.implement.max_parallel", "1"))) {
            project = t.service.create("four small files", "files");
            CompletableFuture<RunOutcome> done = begin(t, project);
            awaitRunning(t, project, 1);
            t.engine.supervisor().stop(project.id(), "stopped by the test");
            assertThat(done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as(progress(t))
                    .isEqualTo(RunOutcome.STOPPED);
            assertThat(item(t, project, "W1").status()).isEqualTo(WorkItemStatus.IN_PROGRESS);
        }
        Git main = Runs.git(project);
        assertThat(project.workspace().resolve(".orchestrator/worktrees/W1")).isDirectory();
        // an orphan: a worktree of no running item, with a commit and an uncommitted file
        Path orphan = project.workspace().resolve(".orchestrator/worktrees/W9");
        Git w9 = main.addWorktree(orphan, "orchestrator/W9", main.head());
        Files.writeString(orphan.resolve("kept.txt"), "committed work\n");
        w9.commitAll("W9: some work", false);
        Files.writeString(orphan.resolve("loose.txt"), "uncommitted work\n");
        // and a branch main already has all of
        Path merged = project.workspace().resolve(".orchestrator/worktrees/old");
        main.addWorktree(merged, "orchestrator/old", main.head());
        main.removeWorktree(merged);

        try (TestEngine t = engine(responses, Map.of("phases.implement.max_parallel", "1"))) {
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(progress(t))
                    .contains("set aside the orphaned worktree of W9 (its work stays on branch orchestrator/W9)")
                    .contains("W1 resumed in its worktree");
            assertThat(orphan).doesNotExist();
            assertThat(branches(project)).containsExactly("orchestrator/W9");
            String tip = main.branchHead("orchestrator/W9").orElseThrow();
            assertThat(main.subject(tip)).isEqualTo("W9: unfinished work found in an orphaned worktree");
            assertThat(main.subjects(main.head(), tip))
                    .containsExactly("W9: unfinished work found in an orphaned worktree", "W9: some work");
            assertThat(Calls.in(home).of(Role.DEVELOPER, "W1")).hasSize(1);
            assertThat(commits(project)).contains("W1: Build W1", "W4: Build W4");
        }
    }

    @ConcurrentTest
    void aChangeInMainTheMergeWouldOverwrite_makesItWaitNamingTheFile_andItGoesOnOnceStashed() throws Exception {
        // W1 rewrites the requirements document, which the person is editing in the main checkout
        String responses = Documents.plan("W1:1") + """
                  - role: developer
                    item: W1
                    delay_ms: 1000
                    files: {docs/requirements.md: "# Requirements, as W1 rewrote them\\n"}
                """;
        // a person is at the prompt: the merge waits as long as it takes, whatever merge_wait_seconds says
        try (TestEngine t = engine(responses, Map.of("phases.implement.merge_wait_seconds", "1"))) {
            Project project = t.service.create("one small file", "one");
            CompletableFuture<RunOutcome> done = begin(t, project);
            awaitRunning(t, project, 1);
            Path requirements = project.workspace().resolve("docs/requirements.md");
            String edited = Files.readString(requirements) + "\nA line the person added.\n";
            Files.writeString(requirements, edited);

            await().atMost(WAIT).until(() -> progress(t).contains("its merge waits"));
            assertThat(progress(t))
                    .contains("W1 passed its review; its merge waits: merging would overwrite your uncommitted"
                            + " changes in docs/requirements.md (in " + project.workspace()
                            + "); commit or stash them and the merge goes on");
            // it keeps waiting while the change is there, says so once, and overwrites nothing
            await().during(Duration.ofMillis(2500))
                    .atMost(WAIT)
                    .until(() -> item(t, project, "W1").status() == WorkItemStatus.IN_PROGRESS);
            assertThat(Files.readString(requirements)).isEqualTo(edited);
            assertThat(progress(t).lines().filter(line -> line.contains("its merge waits")))
                    .hasSize(1);
            assertThat(t.engine.services().board().running(project.id()))
                    .extracting(ActivityBoard.Entry::activity)
                    .anyMatch(a -> a.startsWith("merge waits: merging would overwrite"));
            assertThat(events(t, project, "merge_waiting"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.path("reason").asString()).contains("docs/requirements.md"));

            // the person stashes their change; the merge goes on
            GitCli.lines(project.workspace(), "-c", "user.name=Person", "-c", "user.email=p@x", "stash");
            assertThat(done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as(progress(t))
                    .isEqualTo(RunOutcome.COMPLETED);
            assertThat(progress(t)).contains("W1 nothing is in its way any more; merging");
            assertThat(commits(project)).contains("W1: Build W1");
            assertThat(item(t, project, "W1").status()).isEqualTo(WorkItemStatus.DONE);
            assertThat(GitCli.lines(project.workspace(), "stash", "list")).hasSize(1);
        }
    }

    @ConcurrentTest
    void anItemTheAgentGivesUpOn_inCheckpointAutonomy_letsRunningItemsFinish_startsNoMore_andAsks() throws Exception {
        // W1 keeps crashing; W2 is at work beside it; W3 would start next
        String responses = Documents.plan("W1:1", "W2:1", "W3:2") + """
                  - role: developer
                    item: W1
                    fail: {class: crash, message: "exited with code 1 without a result"}
                  - role: developer
                    item: W2
                    delay_ms: 1500
                """;
        Map<String, String> checkpoint = Map.of(
                "autonomy", "checkpoint",
                "recovery.max_retries", "1",
                "recovery.backoff_seconds", "0",
                "recovery.backoff_max_seconds", "0",
                "phases.implement.max_parallel", "2",
                "phases.ideation.checkpoint", "false",
                "phases.architecture.checkpoint", "false",
                "phases.task_breakdown.checkpoint", "false");
        try (TestEngine t = engine(responses, checkpoint)) {
            Project project = t.service.create("three small files", "three");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            assertThat(item(t, project, "W1").status()).isEqualTo(WorkItemStatus.NEEDS_ATTENTION);
            assertThat(item(t, project, "W2").status()).isEqualTo(WorkItemStatus.DONE);
            assertThat(item(t, project, "W3").status()).isEqualTo(WorkItemStatus.TODO);
            assertThat(t.engine.decisions().pending(project.id()).orElseThrow().toString())
                    .contains("W1", "agent gave up");
            assertThat(commits(project)).contains("W2: Build W2").doesNotContain("W1: Build W1");
            assertThat(worktrees(project)).hasSize(1);
        }
    }

    @ConcurrentTest
    void aLockLeftInTheMainCheckout_makesTheMergeWaitAndSayWhy_thenItGoesOn() throws Exception {
        String responses = Documents.plan("W1:1") + slowDevelopers(1000, "W1");
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("one small file", "locked");
            CompletableFuture<RunOutcome> done = begin(t, project);
            awaitRunning(t, project, 1);
            // what a git killed in the middle of a command leaves behind: git status stays clean
            Path lock = Files.createFile(project.workspace().resolve(".git/index.lock"));

            await().atMost(WAIT).until(() -> progress(t).contains("git refused to fast-forward main"));
            assertThat(progress(t)).contains("index.lock");
            assertThat(item(t, project, "W1").status()).isEqualTo(WorkItemStatus.IN_PROGRESS);

            Files.delete(lock);
            assertThat(done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as(progress(t))
                    .isEqualTo(RunOutcome.COMPLETED);
            assertThat(commits(project)).contains("W1: Build W1");
        }
    }

    @ConcurrentTest
    void aPersonOnAnotherBranch_theMergeWaitsForMain_andTheirBranchIsLeftAlone() throws Exception {
        String responses = Documents.plan("W1:1") + slowDevelopers(1000, "W1");
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("one small file", "elsewhere");
            CompletableFuture<RunOutcome> done = begin(t, project);
            awaitRunning(t, project, 1);
            Git git = Runs.git(project);
            String mainBefore = git.branchHead("main").orElseThrow();
            // the person switches to a branch of their own and commits there
            git.addWorktree(project.workspace().resolve("../side-tree"), "person/side", mainBefore);
            Git side = Git.at(project.workspace().resolve("../side-tree"));
            Files.writeString(side.folder().resolve("mine.txt"), "mine\n");
            side.commitAll("person: my own commit", false);
            side.removeWorktree(side.folder());
            new ProcessBuilder("git", "checkout", "-q", "person/side")
                    .directory(project.workspace().toFile())
                    .start()
                    .waitFor();

            await().atMost(WAIT).until(() -> progress(t).contains("is on branch person/side, not main"));
            new ProcessBuilder("git", "checkout", "-q", "main")
                    .directory(project.workspace().toFile())
                    .start()
                    .waitFor();

            assertThat(done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as(progress(t))
                    .isEqualTo(RunOutcome.COMPLETED);
            assertThat(commits(project)).contains("W1: Build W1").doesNotContain("person: my own commit");
            assertThat(git.branchHead("person/side")).isPresent();
        }
    }

    @ConcurrentTest
    void stopDuringParallelItems_resumesEachInItsWorktree_withoutRepeatingOrLosingWork() throws Exception {
        String responses = WIDE_PLAN + slowDevelopers(1200, "W1", "W2", "W3");
        Project project;
        try (TestEngine t = engine(responses, Map.of("recovery.shutdown_grace_seconds", "30"))) {
            project = t.service.create("four small files", "files");
            CompletableFuture<RunOutcome> done = begin(t, project);
            // every developer's call has started, so each finishes within the grace: one finished step each
            await().atMost(WAIT)
                    .until(() -> Runs.sessions(t, project).stream()
                                    .filter(s -> s.path("role").asString().equals("developer")
                                            && s.path("phase").asString().equals("implement"))
                                    .count()
                            >= 3);
            t.engine.supervisor().stop(project.id(), "stopped by the test");
            assertThat(done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as(progress(t))
                    .isEqualTo(RunOutcome.STOPPED);
            for (String key : List.of("W1", "W2", "W3")) {
                assertThat(item(t, project, key).status()).isEqualTo(WorkItemStatus.IN_PROGRESS);
            }
        }
        assertThat(worktrees(project)).hasSize(4);
        // someone removes one of the worktrees by hand: its finished step is in the store, not the folder
        try (var files = Files.walk(project.workspace().resolve(".orchestrator/worktrees/W2"))) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }

        try (TestEngine t = engine(responses, Map.of())) {
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            for (String key : List.of("W1", "W2", "W3")) {
                assertThat(progress(t)).contains(key + " resumed in its worktree after 1 finished step");
                assertThat(Calls.in(home).of(Role.DEVELOPER, key)).hasSize(1);
                assertThat(Files.readString(project.workspace().resolve("scripted/" + key + ".txt")))
                        .isNotBlank();
            }
            assertThat(commits(project)).contains("W1: Build W1", "W2: Build W2", "W3: Build W3", "W4: Build W4");
            assertThat(worktrees(project)).hasSize(1);
            assertThat(branches(project)).isEmpty();
        }
    }
}
