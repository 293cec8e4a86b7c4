package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.workspace.Git;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code orchestrator run --milestone} through {@link Main#run}, with real git and the scripted agent. */
class MainRunTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Path workingDirectory, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--home";
        all[1] = dir.resolve("home").toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return Main.run(all, Map.of(), workingDirectory, new PrintWriter(out, true), new PrintWriter(err, true), () -> {
            throw new IOException("no terminal in a run");
        });
    }

    private Path repo() throws IOException {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve("issues"));
        Files.writeString(repo.resolve("issues/one.md"), "---\nmilestone: M1\n---\n# One\n");
        Files.writeString(repo.resolve("issues/two.md"), "---\nmilestone: M1\ndepends_on: one\n---\n# Two\n");
        Files.writeString(repo.resolve("issues/later.md"), "---\nmilestone: M2\n---\n# Later\n");
        Git git = Git.at(repo);
        git.ensureRepository();
        git.commitAll("The team's issues", false);
        return repo;
    }

    private Path script() throws IOException {
        Path script = dir.resolve("script.yaml");
        Files.writeString(script, "calls_log: calls.jsonl\nresponses: []\n");
        return script;
    }

    @Test
    void run_runsTheMilestonesIssuesInOrder_mergesThem_andEndsWithTheTable() throws IOException {
        Path repo = repo();
        Files.writeString(repo.resolve("orchestrator.config.yaml"), "issue_globs: [issues/*.md]\nrunner: scripted\n");
        Git.at(repo).commitAll("Opt in to orchestrator", false);
        String script = "--set=agent.script=" + script();

        assertThat(run(repo, "run", "--milestone=M1", script))
                .as(out + "\n" + err)
                .isZero();

        assertThat(out.toString())
                .contains("Milestone M1 in " + repo)
                .contains("Runner scripted")
                .contains("1  one    One    -           issues/one.md\n")
                .contains("2  two    Two    one         issues/two.md\n")
                .contains("Planned 2 issues of milestone M1")
                .contains("developer at work in orchestrator/one")
                .containsPattern("one +done +0 +\\$0\\.00 +merged into main")
                .containsPattern("two +done +0 +\\$0\\.00 +merged into main");
        Git git = Git.at(repo);
        assertThat(git.log(5)).containsSubsequence("two: Two", "one: One", "Opt in to orchestrator");
        assertThat(repo.resolve("scripted/one.txt")).isRegularFile();
        assertThat(git.hasChanges()).isFalse();
        assertThat(Files.readString(dir.resolve("calls.jsonl"))).doesNotContain("Later");

        // the same command again finds the finished run and repeats nothing
        long calls = Files.readAllLines(dir.resolve("calls.jsonl")).size();
        assertThat(run(repo, "run", "--milestone=M1", script))
                .as(out + "\n" + err)
                .isZero();
        assertThat(Files.readAllLines(dir.resolve("calls.jsonl"))).hasSize((int) calls);
        assertThat(git.log(1)).containsExactly("two: Two");
    }

    @Test
    void run_withRepoAndConfigFlags_resolvesThemAgainstTheWorkingDirectory() throws IOException {
        Path repo = repo();
        Files.writeString(
                dir.resolve("elsewhere.json"), "{\"issue_globs\": [\"issues/*.md\"], \"runner\": \"scripted\"}");

        String script = "--set=agent.script=" + script();
        assertThat(run(dir, "run", "--milestone=M1", "--issue=two", "--repo=repo", "--config=elsewhere.json", script))
                .as(out + "\n" + err)
                .isZero();

        assertThat(out.toString())
                .contains("Milestone M1 in " + repo)
                .contains("note: two depends on one, which this run leaves out (--issue)")
                .contains("Planned 1 issue of milestone M1")
                .containsPattern("two +done");
        assertThat(Git.at(repo).log(1)).containsExactly("two: Two");
    }

    @Test
    void run_withoutARepositoryConfig_exits2SayingWhatToCreate_beforeTouchingTheDatabase() throws IOException {
        Path repo = repo();

        assertThat(run(repo, "run", "--milestone=M1")).isEqualTo(2);

        assertThat(err.toString())
                .contains("Create " + repo.resolve("orchestrator.config.yaml"))
                .contains("issue_globs:");
        assertThat(out.toString()).isEmpty();
        assertThat(dir.resolve("home/orchestrator.db")).doesNotExist();
    }

    @Test
    void run_withABaseBranchTheRepositoryDoesNotHave_exits2NamingIt() throws IOException {
        Path repo = repo();
        Files.writeString(
                repo.resolve("orchestrator.config.yaml"),
                "issue_globs: [issues/*.md]\nrunner: scripted\nbase_branch: develop\n");
        Git.at(repo).commitAll("Opt in to orchestrator", false);

        assertThat(run(repo, "run", "--milestone=M1", "--set=agent.script=" + script()))
                .isEqualTo(2);

        assertThat(err.toString()).contains("base_branch develop", "is not a branch of " + repo, "git branch develop");
    }

    @Test
    void run_outsideAGitRepository_exits2() throws IOException {
        Path plain = Files.createDirectories(dir.resolve("plain"));

        assertThat(run(plain, "run", "--milestone=M1")).isEqualTo(2);

        assertThat(err.toString()).contains(plain + " is not a git repository");
    }

    @Test
    void run_withoutMilestone_exits2WithUsage() {
        assertThat(run(dir, "run")).isEqualTo(2);

        assertThat(err.toString()).contains("run needs the milestone");
    }
}
