package dev.orchestrator.agent.claude;

import static dev.orchestrator.agent.fake.FakeAnthropicApi.text;
import static dev.orchestrator.agent.fake.FakeAnthropicApi.toolUse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.agent.fake.FakeAnthropicApi;
import dev.orchestrator.agent.fake.FakeAnthropicApi.Reply;
import dev.orchestrator.agent.fake.FakeAnthropicApi.Request;
import dev.orchestrator.workspace.Git;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code orchestrator run --milestone} on a team's repository, through the packaged jar and the real
 * Claude Code CLI against the fake API: each issue is built in its own worktree by a real
 * {@code claude} process, reviewed, merged into the base branch, and the run ends with the table.
 */
class ClaudeMilestoneIT {
    private static final Pattern ITEM = Pattern.compile("^# ([A-Za-z0-9._-]+): ", Pattern.MULTILINE);

    @RegisterExtension
    final FakeAnthropicApi api = new FakeAnthropicApi();

    @TempDir
    Path dir;

    /** A developer writes {@code <issue>.txt} in the folder it works in, then answers; reviews pass. */
    private static Reply answer(Request request) {
        String contract = ClaudeProjects.contract(request);
        if (contract.equals("dev_result.v1") && !request.answersTools()) {
            Matcher item = ITEM.matcher(String.join("\n", request.messageTexts()));
            String issue = item.find() ? item.group(1) : "unknown";
            return toolUse(
                    "Write",
                    Map.of(
                            "file_path",
                            ClaudeProjects.workingDirectory(request)
                                    .resolve(issue + ".txt")
                                    .toString(),
                            "content",
                            "done: " + issue + "\n"));
        }
        if (contract.equals("dev_result.v1")) {
            return text("Done.\n```json\n{\"contract\":\"dev_result.v1\",\"status\":\"done\",\"summary\":\"Wrote it.\","
                    + "\"files\":[],\"blocker\":null}\n```");
        }
        return text("Here it is.\n```json\n" + ClaudeProjects.document(contract) + "\n```");
    }

    private Path teamRepository() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("team"));
        Files.createDirectories(repo.resolve("docs/issues"));
        Files.writeString(repo.resolve("README.md"), "# The team's project\n");
        Files.writeString(
                repo.resolve("docs/issues/one.md"), "---\nid: one\ntitle: One\nmilestone: M1\n---\nWrite one.txt.\n");
        Files.writeString(
                repo.resolve("docs/issues/two.md"),
                "---\nid: two\ntitle: Two\nmilestone: M1\ndepends_on: [one]\n---\nWrite two.txt.\n");
        Files.writeString(
                repo.resolve("docs/issues/later.md"), "---\nid: later\ntitle: Later\nmilestone: M2\n---\nNot now.\n");
        Files.writeString(
                repo.resolve("orchestrator.config.yaml"),
                "issue_globs: [docs/issues/*.md]\nrunner: claude\nmax_review_cycles: 1\ntest_command: test -f README.md\n");
        Git git = Git.at(repo);
        git.ensureRepository();
        git.commitAll("The team's issues", false);
        return repo;
    }

    @Test
    void runMilestone_buildsEachIssueInItsWorktreeThroughTheRealCli_mergesThem_andEndsWithTheTable() throws Exception {
        Path repo = teamRepository();
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(
                home.resolve("config.yaml"),
                "agent:\n  command: \"" + RealClaude.program() + "\"\n  env:\n" + ClaudeProjects.envYaml(api, dir));
        api.answer(ClaudeMilestoneIT::answer);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of(System.getProperty("orchestrator.jar", "target/orchestrator.jar"))
                        .toAbsolutePath()
                        .toString(),
                "run",
                "--milestone=M1"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(repo.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.txt").toFile());
        builder.environment().put("ORCHESTRATOR_HOME", home.toString());

        Process process = builder.start();
        assertThat(process.waitFor(240, TimeUnit.SECONDS)).as("finished").isTrue();
        String output = Files.readString(dir.resolve("out.txt"));

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("Planned 2 issues of milestone M1")
                .contains("developer at work in orchestrator/one")
                .contains("Write ")
                .containsPattern("one +done +0 +\\$0\\.\\d\\d +merged into main")
                .containsPattern("two +done +0 +\\$0\\.\\d\\d +merged into main")
                .doesNotContain("later");
        Git git = Git.at(repo);
        assertThat(git.log(5)).containsSubsequence("two: Two", "one: One", "The team's issues");
        assertThat(repo.resolve("one.txt")).hasContent("done: one");
        assertThat(repo.resolve("two.txt")).hasContent("done: two");
        assertThat(git.hasChanges()).isFalse();
        assertThat(git.branches("orchestrator/")).isEmpty();
        // the real CLI ran in each issue's worktree
        assertThat(api.messages().stream()
                        .map(r -> ClaudeProjects.workingDirectory(r).toString()))
                .anyMatch(cwd -> cwd.endsWith(".orchestrator/worktrees/one"))
                .anyMatch(cwd -> cwd.endsWith(".orchestrator/worktrees/two"));
        // its raw output and the parsed answers per issue and role, under the log root
        try (Stream<Path> logs = Files.walk(repo.resolve(".orchestrator/logs/implement"))) {
            List<String> names = logs.map(p -> p.getFileName().toString()).toList();
            assertThat(names)
                    .anyMatch(n -> n.startsWith("one-developer-") && n.endsWith(".jsonl"))
                    .anyMatch(n -> n.startsWith("one-developer-") && n.endsWith(".json"))
                    .anyMatch(n -> n.startsWith("two-reviewer-") && n.endsWith(".json"));
        }
    }
}
