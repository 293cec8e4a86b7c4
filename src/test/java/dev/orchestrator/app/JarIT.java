package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Launches the packaged jar as a real process, the way a person does, with piped standard input. */
class JarIT {
    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {}

    private Run launch(String stdin, Map<String, String> env, String... args) throws IOException, InterruptedException {
        String jar = System.getProperty("orchestrator.jar", "target/orchestrator.jar");
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().remove("NO_COLOR");
        builder.environment().putAll(env);
        builder.redirectOutput(dir.resolve("out.txt").toFile());
        builder.redirectError(dir.resolve("err.txt").toFile());
        Process process = builder.start();
        try (var in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as("the jar finished within a minute")
                .isTrue();
        return new Run(
                process.exitValue(),
                Files.readString(dir.resolve("out.txt")),
                Files.readString(dir.resolve("err.txt")));
    }

    private Map<String, String> home() {
        // a Claude Code that is surely missing, whatever this machine has installed
        return Map.of(
                "ORCHESTRATOR_HOME",
                dir.resolve("home").toString(),
                "ORCHESTRATOR_AGENT_COMMAND",
                dir.resolve("no-claude").toString());
    }

    @Test
    void createsTwoProjects_listsThem_andFindsThemAgainAfterARestart() throws Exception {
        Run first = launch(
                "Build me a CLI todo app with tags\n\nA weather dashboard for my city\nweather-board\n/projects\n/quit\n",
                home());

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out())
                .contains("Created project 1 - cli-todo-tags")
                .contains("Created project 2 - weather-board")
                .contains("The project waits: Claude Code is not installed")
                .contains("npm i -g @anthropic-ai/claude-code")
                .contains(" 2  weather-board  paused")
                .contains(" 1  cli-todo-tags  paused")
                .contains("2 projects");

        Run second = launch("/projects\n/status weather-board\n/quit\n", home());

        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out())
                .contains("2 projects: 2 paused")
                .contains(" 2  weather-board  paused")
                .contains(" 1  cli-todo-tags  paused")
                .contains("Idea       A weather dashboard for my city");
        assertThat(dir.resolve("home/workspace/cli-todo-tags")).isDirectory();
        assertThat(dir.resolve("home/workspace/weather-board")).isDirectory();
        assertThat(dir.resolve("home/history")).exists();
        assertThat(Files.readString(dir.resolve("home/logs/orchestrator.log")))
                .contains("orchestrator ")
                .contains("created project 2 'weather-board'");
    }

    @Test
    void endOfInputQuitsCleanly() throws Exception {
        Run run = launch("/projects\n", home());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Everything is saved in");
    }

    @Test
    void refusesADatabaseWrittenByANewerVersion_andLeavesItAlone() throws Exception {
        assertThat(launch("/quit\n", home()).exitCode()).isZero();
        Path db = dir.resolve("home/orchestrator.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.createStatement()
                    .execute("INSERT INTO flyway_schema_history (installed_rank, version, description,"
                            + " type, script, checksum, installed_by, execution_time, success)"
                            + " VALUES (50, '50', 'future', 'SQL', 'V50__future.sql', 0, 'test', 0, 1)");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }

        Run run = launch("/quit\n", home());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("was written by a newer Orchestrator (schema version 50");
        assertThat(run.out()).doesNotContain("> ");
    }

    @Test
    void invalidConfigurationExits2WithFileLineAndAllowedValues() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.yaml"), "phases:\n  ideation:\n    pattern: crowd\n");

        Run run = launch("/quit\n", home(), "--config", config.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("phases.ideation.pattern: \"crowd\" is not allowed (" + config + ", line 3)")
                .contains("allowed values: single, swarm");
        assertThat(dir.resolve("home/orchestrator.db")).doesNotExist();
    }

    @Test
    void versionAndHelpNeedNoHome() throws Exception {
        Run version = launch("", home(), "--version");
        Run help = launch("", home(), "--help");

        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).matches("orchestrator \\d+\\.\\d+\\.\\d+.*\\R");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: orchestrator [OPTIONS]");
        assertThat(dir.resolve("home")).doesNotExist();
    }

    @Test
    void noColorAndPipesGivePlainText() throws Exception {
        Run run = launch(
                "/help\n/quit\n",
                Map.of("ORCHESTRATOR_HOME", dir.resolve("home").toString(), "NO_COLOR", "1"));

        assertThat(run.out()).doesNotContain("\u001b[");
    }
}
