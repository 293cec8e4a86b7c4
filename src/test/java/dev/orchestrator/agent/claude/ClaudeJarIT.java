package dev.orchestrator.agent.claude;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.agent.fake.FakeAnthropicApi;
import dev.orchestrator.workspace.Git;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged product with the real Claude Code CLI: {@code orchestrator generate "IDEA"} as a
 * process, configured the way a person would (agent.command, agent.env in config.yaml), builds a
 * tested repository and exits 0.
 */
class ClaudeJarIT {
    @RegisterExtension
    final FakeAnthropicApi api = new FakeAnthropicApi();

    @TempDir
    Path dir;

    private Path projectFolder() {
        try (Stream<Path> folders = Files.list(dir.resolve("home/workspace"))) {
            return folders.findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The packaged jar with these arguments, its output (merged) in {@code out}. */
    private ProcessBuilder jar(Path home, String out, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                System.getProperty("orchestrator.jar", "target/orchestrator.jar")));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(out).toFile());
        builder.environment().put("ORCHESTRATOR_HOME", home.toString());
        builder.environment().remove("ORCHESTRATOR_FAIL_AT_PHASE");
        return builder;
    }

    @Test
    void generate_buildsATestedRepositoryThroughTheRealCli_andShowsItsActivityAndCost() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(
                home.resolve("config.yaml"),
                "agent:\n  backend: claude-code\n  command: \"" + RealClaude.program() + "\"\n  env:\n"
                        + ClaudeProjects.envYaml(api, dir));
        api.answer(ClaudeProjects.answers());
        ProcessBuilder builder = jar(home, "out.txt", "--autonomy", "full", "generate", "a file that says hi");

        Process process = builder.start();
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("finished").isTrue();
        String output = Files.readString(dir.resolve("out.txt"));

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("Write hello.txt", "[test]");
        Path project = projectFolder();
        assertThat(project.resolve("hello.txt")).hasContent("hi");
        assertThat(Git.at(project).log(10)).contains("W1: Write hello.txt");

        ProcessBuilder status = jar(home, "status.txt", "--status", "1");
        Process shown = status.start();
        assertThat(shown.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(dir.resolve("status.txt")))
                .contains("completed")
                .containsPattern("spent \\$0\\.\\d+ \\(\\d+ input tokens");
    }
}
