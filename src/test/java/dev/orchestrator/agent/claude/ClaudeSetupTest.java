package dev.orchestrator.agent.claude;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.process.ChildProcesses;
import dev.orchestrator.process.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClaudeSetupTest {
    @TempDir
    Path dir;

    private final CommandRunner runner = new CommandRunner(new ChildProcesses());

    private Path program(String body) throws Exception {
        Path file = dir.resolve("bin/claude");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("PATH", dir.resolve("bin") + ":/usr/bin:/bin"));
        env.put("HOME", dir.resolve("home").toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void installedWithAKey_isReadyAndTellsItsVersion() throws Exception {
        program("echo '2.1.197 (Claude Code)'");

        var check = new ClaudeSetup("claude", env("ANTHROPIC_API_KEY", "sk-x"), runner).check();

        assertThat(check).isEqualTo(new ClaudeSetup.Check(Optional.of("2.1.197"), Optional.empty()));
    }

    @Test
    void missingProgram_saysHowToInstallIt() throws Exception {
        var onPath = new ClaudeSetup("claude", env("ANTHROPIC_API_KEY", "sk-x"), runner).check();
        var byPath = new ClaudeSetup(dir.resolve("nope/claude").toString(), env(), runner).check();

        assertThat(onPath.problem().orElseThrow())
                .contains("`claude` was not found on the PATH", "npm i -g @anthropic-ai/claude-code");
        assertThat(byPath.problem().orElseThrow()).contains("nope/claude` was not found", "agent.command");
    }

    @Test
    void failingVersion_saysItIsBroken() throws Exception {
        program("echo boom; exit 3");

        var check = new ClaudeSetup("claude", env("ANTHROPIC_API_KEY", "sk-x"), runner).check();

        assertThat(check.problem().orElseThrow()).contains("`claude --version` failed", "npm i -g");
    }

    @Test
    void noKeyAndNoLogin_saysToLogIn_aLoginFileOrTokenIsEnough() throws Exception {
        program("echo '2.1.197 (Claude Code)'");
        Path config = dir.resolve("config");
        Files.createDirectories(config);

        var none = new ClaudeSetup("claude", env("CLAUDE_CONFIG_DIR", config.toString()), runner).check();
        Files.writeString(config.resolve(".credentials.json"), "{}");
        var loggedIn = new ClaudeSetup("claude", env("CLAUDE_CONFIG_DIR", config.toString()), runner).check();
        var token = new ClaudeSetup("claude", env("ANTHROPIC_AUTH_TOKEN", "t"), runner).check();

        assertThat(none.problem().orElseThrow()).contains("claude login", "ANTHROPIC_API_KEY", ".credentials.json");
        assertThat(loggedIn.problem()).isEmpty();
        assertThat(token.problem()).isEmpty();
    }
}
