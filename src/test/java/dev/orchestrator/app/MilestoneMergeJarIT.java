package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.app.ScriptedJar.Running;
import dev.orchestrator.workspace.Git;
import dev.orchestrator.workspace.GitCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --milestone} through the packaged jar in a repository where a person has work of their
 * own in the checkout: files the merges do not touch never hold them up, and a change a merge would
 * overwrite ends the run with exit 3 and what to do, after which the same command carries on.
 */
class MilestoneMergeJarIT {
    /** The README before anyone changes it: a title, a body, and a last line far enough apart to merge. */
    private static final String README =
            "# The team's project\n\nLine 3\nLine 4\nLine 5\nLine 6\nLine 7\n\nBuilt by the team.\n";

    private final Path dir;
    private final Path repo;
    private final ScriptedJar jars;

    MilestoneMergeJarIT(@TempDir Path dir) {
        this.dir = dir;
        this.repo = dir.resolve("repo");
        this.jars = new ScriptedJar(dir);
    }

    /** Two issues of M1 (two depends on one), on {@code main}, opted in with the scripted runner. */
    private Git teamRepository() throws IOException {
        Files.createDirectories(repo.resolve("issues"));
        Files.writeString(repo.resolve("README.md"), README);
        Files.writeString(repo.resolve("issues/one.md"), "---\nmilestone: M1\n---\n# One\n");
        Files.writeString(repo.resolve("issues/two.md"), "---\nmilestone: M1\ndepends_on: one\n---\n# Two\n");
        Files.writeString(repo.resolve("orchestrator.config.yaml"), "issue_globs: [issues/*.md]\nrunner: scripted\n");
        Git git = Git.at(repo);
        git.ensureRepository();
        git.commitAll("The team's issues", false);
        return git;
    }

    /** Issue one's developer changes the README's last line; everything else gets the built-in answers. */
    private Path script() throws IOException {
        String readme = README.replace("Built by the team.", "Built by the team; one parses the input.")
                .replace("\n", "\\n");
        Path file = dir.resolve("script.yaml");
        Files.writeString(
                file,
                "calls_log: calls.jsonl\nresponses:\n  - role: developer\n    item: one\n    files: {README.md: \""
                        + readme + "\"}\n");
        return file;
    }

    private Running runMilestone(Path script, String name, String... settings) throws IOException {
        List<String> args = new ArrayList<>(List.of(settings));
        args.addAll(List.of("run", "--milestone=M1", "--repo=" + repo));
        return jars.start(jars.jar(script, args.toArray(String[]::new)), name);
    }

    @Test
    void runMilestone_withAnUntrackedFileInTheCheckout_mergesEveryIssue_andLeavesTheFileAlone() throws Exception {
        Git git = teamRepository();
        Files.writeString(repo.resolve("NOTES.local"), "my own notes\n");

        Running run = runMilestone(script(), "untracked");

        assertThat(run.awaitExit()).as(run.output()).isZero();
        assertThat(run.output())
                .doesNotContain("its merge waits")
                .containsPattern("one +done +0 +\\$0\\.00 +merged into main")
                .containsPattern("two +done +0 +\\$0\\.00 +merged into main");
        assertThat(git.log(3)).containsExactly("two: Two", "one: One", "The team's issues");
        assertThat(repo.resolve("README.md")).hasContent(README.replace("team.", "team; one parses the input."));
        assertThat(repo.resolve("NOTES.local")).hasContent("my own notes");
        assertThat(GitCli.lines(repo, "status", "--porcelain", "--untracked-files=all"))
                .containsExactly("?? NOTES.local");
        assertThat(git.branches("orchestrator/")).isEmpty();
    }

    @Test
    void runMilestone_withAChangeTheMergeWouldOverwrite_exits3NamingTheFile_andAfterACommitTheSameCommandCompletes()
            throws Exception {
        Git git = teamRepository();
        String draft = README.replace("# The team's project", "# The team's project (a better title)");
        Files.writeString(repo.resolve("README.md"), draft);
        Path script = script();

        Running paused = runMilestone(script, "paused", "--set", "phases.implement.merge_wait_seconds=2");

        assertThat(paused.awaitExit()).as(paused.output()).isEqualTo(3);
        assertThat(paused.output())
                .contains("one passed its review; its merge waits: merging would overwrite your uncommitted changes"
                        + " in README.md (in " + repo.toRealPath() + "); commit or stash them and the merge goes on")
                .contains("project 1 is paused: one passed its review, but its merge into main waited 2 s")
                .contains("Commit or stash them, then run the same command again (orchestrator run --milestone=M1)")
                .containsPattern("one +in_progress +0 +\\$0\\.00 +orchestrator/one");
        assertThat(repo.resolve("README.md")).hasContent(draft);
        assertThat(git.log(1)).containsExactly("The team's issues");
        Running status = jars.start(jars.jar(script, "--status", "1"), "status");
        assertThat(status.awaitExit()).isZero();
        assertThat(status.output()).contains("paused: one passed its review", "README.md");

        // the person commits their title; the same command merges one on top of it, then runs two
        git.commitAll("A better title", false);
        Running again = runMilestone(script, "again", "--set", "phases.implement.merge_wait_seconds=2");

        assertThat(again.awaitExit()).as(again.output()).isZero();
        assertThat(again.output())
                .contains("one passed its review before the interruption; merging it")
                .containsPattern("one +done +0 +\\$0\\.00 +merged into main")
                .containsPattern("two +done +0 +\\$0\\.00 +merged into main");
        assertThat(git.log(4)).containsExactly("two: Two", "one: One", "A better title", "The team's issues");
        assertThat(repo.resolve("README.md")).hasContent(draft.replace("team.", "team; one parses the input."));
        assertThat(git.hasChanges()).isFalse();
        // one's developer and reviewer ran once: the second run only merged it
        assertThat(jars.calls().stream()
                        .filter(call -> call.path("item").asString("").equals("one"))
                        .map(ScriptedJar::identity))
                .containsExactly("implement/developer/one/dev_result.v1", "implement/reviewer/one/review.v1");
    }
}
