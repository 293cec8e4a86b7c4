package dev.orchestrator.pipeline;

import static dev.orchestrator.pipeline.Runs.events;
import static dev.orchestrator.pipeline.Runs.item;
import static dev.orchestrator.pipeline.Runs.phase;
import static dev.orchestrator.pipeline.Runs.progress;
import static dev.orchestrator.pipeline.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.agent.Role;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.process.ChildProcesses;
import dev.orchestrator.project.PhaseStatus;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectStatus;
import dev.orchestrator.work.NewWorkItem;
import dev.orchestrator.work.WorkItemStatus;
import dev.orchestrator.workspace.Git;
import dev.orchestrator.workspace.GitCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/** A run over an existing repository: only the implement phase, issues as items, on the repo's own branch. */
class RepoRunTest {
    @TempDir
    Path home;

    @TempDir
    Path repo;

    private TestEngine engine(String responses) {
        Map<String, String> settings = new LinkedHashMap<>(Map.of("autonomy", "full"));
        return TestEngine.start(home, Calls.script(home, "responses:\n" + responses), settings, Optional.empty());
    }

    /** A repository of a team: a README on branch {@code trunk}. */
    private Git teamRepository() throws IOException {
        Git git = Git.at(repo, new ChildProcesses()::startTool);
        new ProcessBuilder("git", "init", "-q", "-b", "trunk", repo.toString())
                .inheritIO()
                .start()
                .onExit()
                .join();
        Files.writeString(repo.resolve("README.md"), "# The team's project\n");
        git.ensureRepository();
        git.commitAll("Initial commit", false);
        return git;
    }

    private static List<NewWorkItem> issues() {
        return List.of(
                new NewWorkItem("ISSUE-1", "Add a parser", "Parse the input.", List.of(), List.of(), 1),
                new NewWorkItem("ISSUE-2", "Add a printer", "Print the output.", List.of(), List.of("ISSUE-1"), 2));
    }

    private RepoRun repoRun(boolean merge) {
        return new RepoRun(
                repo, "M1", Optional.empty(), "trunk", merge, Optional.empty(), repo.resolve(".orchestrator/logs"));
    }

    @ConcurrentTest
    void milestoneIssues_runDeveloperReviewerInWorktrees_andMergeIntoTheBaseBranch() throws Exception {
        Git git = teamRepository();
        try (TestEngine t = engine(Documents.failingReview("ISSUE-2", 1, "Print a newline"))) {
            Project project = t.engine.openRepoRun(repoRun(true), "team-M1", "Milestone M1", issues(), "{}");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(project.workspace()).isEqualTo(repo);
            for (PhaseName phase : PhaseName.values()) {
                assertThat(phase(t, project, phase).status())
                        .as(phase.toString())
                        .isEqualTo(phase == PhaseName.IMPLEMENT ? PhaseStatus.COMPLETED : PhaseStatus.SKIPPED);
            }
            assertThat(item(t, project, "ISSUE-1").status()).isEqualTo(WorkItemStatus.DONE);
            assertThat(item(t, project, "ISSUE-2").reviewCycles()).isEqualTo(1);
            assertThat(git.currentBranch()).contains("trunk");
            assertThat(git.log(10))
                    .containsSubsequence("ISSUE-2: Add a printer", "ISSUE-1: Add a parser", "Initial commit");
            assertThat(repo.resolve("scripted/ISSUE-1.txt")).isRegularFile();
            assertThat(Calls.in(home).of(Role.DEVELOPER, "ISSUE-1").getFirst().prompt())
                    .contains("Add a parser", "Parse the input.");
            // the parsed answers per issue and role under the log root (real agents add their raw .jsonl beside them)
            try (Stream<Path> logs = Files.walk(repo.resolve(".orchestrator/logs"))) {
                assertThat(logs.map(p -> p.getFileName().toString()).toList())
                        .anyMatch(n -> n.startsWith("ISSUE-1-developer-") && n.endsWith(".json"))
                        .anyMatch(n -> n.startsWith("ISSUE-2-reviewer-") && n.endsWith(".json"))
                        .anyMatch(n -> n.startsWith("ISSUE-2-fixer-") && n.endsWith(".json"));
            }
            assertThat(git.hasChanges()).isFalse();
            assertThat(git.branches("orchestrator/")).isEmpty();
        }
    }

    @ConcurrentTest
    void withMergingOff_reviewedWorkStaysOnItsBranches_andTheBaseBranchIsUntouched() throws Exception {
        Git git = teamRepository();
        String before = git.head();
        try (TestEngine t = engine("")) {
            Project project = t.engine.openRepoRun(repoRun(false), "team-M1", "Milestone M1", issues(), "{}");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(git.head()).isEqualTo(before);
            assertThat(git.branches("orchestrator/"))
                    .containsExactlyInAnyOrder("orchestrator/ISSUE-1", "orchestrator/ISSUE-2");
            String tip = git.branchHead("orchestrator/ISSUE-1").orElseThrow();
            assertThat(git.subject(tip)).isEqualTo("ISSUE-1: Add a parser");
            assertThat(item(t, project, "ISSUE-1").commit()).contains(tip);
            assertThat(progress(t)).contains("the reviewed work is on branch orchestrator/ISSUE-1 (merging is off)");
            assertThat(Git.at(repo).worktrees()).hasSize(1);
        }
    }

    @ConcurrentTest
    void theSameRunAgain_findsItsProject_andDoesNotRepeatFinishedIssues() throws Exception {
        teamRepository();
        Project first;
        try (TestEngine t = engine("")) {
            first = t.engine.openRepoRun(repoRun(true), "team-M1", "Milestone M1", issues(), "{}");
            assertThat(run(t, first)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);
        }
        try (TestEngine t = engine("")) {
            Project again = t.engine.openRepoRun(repoRun(true), "team-M1", "Milestone M1", issues(), "{}");
            assertThat(again.id()).isEqualTo(first.id());
            assertThat(item(t, again, "ISSUE-1").status()).isEqualTo(WorkItemStatus.DONE);
            // a different milestone is a different project, and the name is made unique
            Project other = t.engine.openRepoRun(
                    new RepoRun(repo, "M2", Optional.empty(), "trunk", true, Optional.empty(), repo),
                    "team-M1",
                    "Milestone M2",
                    issues(),
                    "{}");
            assertThat(other.id()).isNotEqualTo(first.id());
            assertThat(other.name()).isEqualTo("team-M1-2");
        }
        assertThat(Calls.in(home).of(Role.DEVELOPER, "ISSUE-1")).hasSize(1);
    }

    @ConcurrentTest
    void untrackedAndUnrelatedChangedFilesInTheCheckout_doNotHoldTheMerges_andAreLeftAsTheyWere() throws Exception {
        Git git = teamRepository();
        Files.writeString(repo.resolve("CONTRIBUTING.md"), "Be kind.\n");
        git.commitAll("How to contribute", false);
        // a person's own files: an untracked note, an edit, and a staged edit, none of which an issue touches
        Files.writeString(repo.resolve("NOTES.local"), "my notes\n");
        Files.writeString(repo.resolve("README.md"), "# The team's project\n\nDraft of a new section.\n");
        Files.writeString(repo.resolve("CONTRIBUTING.md"), "Be kind. Write tests.\n");
        GitCli.lines(repo, "add", "CONTRIBUTING.md");
        try (TestEngine t = engine("")) {
            Project project = t.engine.openRepoRun(repoRun(true), "team-M1", "Milestone M1", issues(), "{}");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(progress(t)).doesNotContain("its merge waits");
            assertThat(git.log(10)).containsSubsequence("ISSUE-2: Add a printer", "ISSUE-1: Add a parser");
            assertThat(repo.resolve("scripted/ISSUE-2.txt")).isRegularFile();
            assertThat(repo.resolve("NOTES.local")).hasContent("my notes");
            assertThat(repo.resolve("README.md")).hasContent("# The team's project\n\nDraft of a new section.");
            assertThat(repo.resolve("CONTRIBUTING.md")).hasContent("Be kind. Write tests.");
            assertThat(GitCli.lines(repo, "status", "--porcelain", "--untracked-files=all"))
                    .containsExactlyInAnyOrder("?? NOTES.local", " M README.md", "M  CONTRIBUTING.md");
        }
    }

    @ConcurrentTest
    void unattended_aMergeHeldUpLongerThanMergeWaitSeconds_pausesWithTheInstruction_andTheNextRunOnlyMerges()
            throws Exception {
        Git git = teamRepository();
        // ISSUE-1 rewrites the README, which the person has changed and not committed
        String responses = """
                  - role: developer
                    item: ISSUE-1
                    files: {README.md: "# The team's project, parsed\\n"}
                """;
        Files.writeString(repo.resolve("README.md"), "# The team's project, my draft\n");
        Path script = Calls.script(home, "responses:\n" + responses);
        Map<String, String> settings = Map.of("autonomy", "full", "phases.implement.merge_wait_seconds", "1");
        Project project;
        try (TestEngine t = TestEngine.unattended(home, script, settings)) {
            project = t.engine.openRepoRun(repoRun(true), "team-M1", "Milestone M1", issues(), "{}");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.PAUSED);
            String reason = t.engine.pauseReason(project.id()).orElseThrow();
            assertThat(reason)
                    .contains("ISSUE-1 passed its review, but its merge into trunk waited 1 s"
                            + " (phases.implement.merge_wait_seconds) with no one at a prompt: merging would"
                            + " overwrite your uncommitted changes in README.md (in " + repo + ")")
                    .contains("Commit or stash them, then run the same command again (orchestrator run"
                            + " --milestone=M1)")
                    .contains("the reviewed work is on branch orchestrator/ISSUE-1 and only its merge is left");
            assertThat(events(t, project, "merge_waiting")).hasSize(1);
            assertThat(events(t, project, "project_paused"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.path("reason").asString()).isEqualTo(reason));
            assertThat(progress(t)).contains("[implement] paused: " + reason);
            // the person's change is untouched; the issue's reviewed commit waits on its branch
            assertThat(repo.resolve("README.md")).hasContent("# The team's project, my draft");
            assertThat(git.log(1)).containsExactly("Initial commit");
            assertThat(item(t, project, "ISSUE-1").status()).isEqualTo(WorkItemStatus.IN_PROGRESS);
            assertThat(item(t, project, "ISSUE-2").status()).isEqualTo(WorkItemStatus.TODO);
            assertThat(git.subject(git.branchHead("orchestrator/ISSUE-1").orElseThrow()))
                    .isEqualTo("ISSUE-1: Add a parser");
        }

        // the person puts their draft away; the same run again only merges ISSUE-1, then does ISSUE-2
        GitCli.lines(repo, "-c", "user.name=Person", "-c", "user.email=p@x", "stash");
        try (TestEngine t = TestEngine.unattended(home, script, settings)) {
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(progress(t)).contains("ISSUE-1 passed its review before the interruption; merging it");
            assertThat(git.log(10)).containsSubsequence("ISSUE-2: Add a printer", "ISSUE-1: Add a parser");
            assertThat(repo.resolve("README.md")).hasContent("# The team's project, parsed");
            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.COMPLETED);
        }
        assertThat(Calls.in(home).of(Role.DEVELOPER, "ISSUE-1")).hasSize(1);
        assertThat(Calls.in(home).of(Role.REVIEWER, "ISSUE-1")).hasSize(1);
    }
}
