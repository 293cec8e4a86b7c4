package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();

    private int run(String input, Map<String, String> env, String... args) {
        return Main.run(
                args,
                env,
                dir,
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                () -> new DumbTerminal(
                        "test",
                        Terminal.TYPE_DUMB,
                        new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                        screen,
                        StandardCharsets.UTF_8));
    }

    private Path home() {
        return dir.resolve("home");
    }

    @Test
    void version_printsAndTouchesNothing() {
        assertThat(run("", Map.of("ORCHESTRATOR_HOME", home().toString()), "--version"))
                .isZero();

        assertThat(out.toString()).startsWith("orchestrator ");
        assertThat(home()).doesNotExist();
    }

    @Test
    void help_listsTheOptionsAndTouchesNothing() {
        assertThat(run("", Map.of("ORCHESTRATOR_HOME", home().toString()), "--help"))
                .isZero();

        assertThat(out.toString()).contains("--config=FILE", "--set=KEY=VALUE", "ORCHESTRATOR_HOME", "Exit codes");
        assertThat(home()).doesNotExist();
    }

    @Test
    void unknownFlag_exitsWithUsageError() {
        assertThat(run("", Map.of(), "--hme", "x")).isEqualTo(2);

        assertThat(err.toString()).contains("invalid option '--hme'").contains("orchestrator --help");
    }

    @Test
    void strayArgument_exitsWithUsageErrorThatSaysHowToStartAProject() {
        assertThat(run("", Map.of(), "build", "me", "a", "thing")).isEqualTo(2);

        assertThat(err.toString()).contains("unexpected argument 'build'");
    }

    @Test
    void invalidConfig_exits2NamingFileAndLine_withoutCreatingTheDatabase() throws Exception {
        Files.createDirectories(home());
        Files.writeString(home().resolve("config.yaml"), "autonomy: sometimes\n");

        assertThat(run("/quit\n", Map.of(), "--home", home().toString())).isEqualTo(2);

        assertThat(err.toString())
                .contains("invalid configuration")
                .contains("autonomy: \"sometimes\" is not allowed (" + home().resolve("config.yaml") + ", line 1)")
                .contains("allowed values: checkpoint, full");
        assertThat(home().resolve("orchestrator.db")).doesNotExist();
    }

    @Test
    void badSetFlag_exits2() {
        assertThat(run("", Map.of(), "--home", home().toString(), "--set", "agent.max_turns"))
                .isEqualTo(2);

        assertThat(err.toString()).contains("--set needs KEY=VALUE");
    }

    @Test
    void session_runsOnTheGivenTerminalAndKeepsProjects() {
        String script = "a recipe planner for busy parents\n\n/projects\n/quit\n";

        assertThat(run(
                        script,
                        Map.of(),
                        "--home",
                        home().toString(),
                        "--workspace",
                        dir.resolve("ws").toString()))
                .isZero();

        String shown = screen.toString(StandardCharsets.UTF_8);
        assertThat(shown)
                .contains("Created project 1 - recipe-planner-busy-parents")
                .contains("1 project");
        assertThat(dir.resolve("ws/recipe-planner-busy-parents")).isDirectory();
        assertThat(home().resolve("orchestrator.db")).exists();
    }
}
