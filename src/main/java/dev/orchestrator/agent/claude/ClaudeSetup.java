package dev.orchestrator.agent.claude;

import dev.orchestrator.process.Command;
import dev.orchestrator.process.CommandException;
import dev.orchestrator.process.CommandResult;
import dev.orchestrator.process.CommandRunner;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Whether Claude Code can run here: the program exists, answers {@code --version}, and has
 * credentials (a key or token in its environment, a login's credentials file, or a cloud
 * provider). On macOS a login lives in the Keychain, which is not checked: the run will tell.
 */
final class ClaudeSetup {
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(20);
    private static final List<String> CREDENTIAL_VARIABLES = List.of(
            "ANTHROPIC_API_KEY",
            "ANTHROPIC_AUTH_TOKEN",
            "CLAUDE_CODE_OAUTH_TOKEN",
            "CLAUDE_CODE_USE_BEDROCK",
            "CLAUDE_CODE_USE_VERTEX");

    /** What was found: the version when the program answered, the problem when it cannot run. */
    record Check(Optional<String> version, Optional<String> problem) {}

    private final String program;
    private final Map<String, String> environment;
    private final CommandRunner runner;

    /** @param environment the agent's whole environment: Orchestrator's own with {@code agent.env} on top */
    ClaudeSetup(String program, Map<String, String> environment, CommandRunner runner) {
        this.program = program;
        this.environment = Map.copyOf(environment);
        this.runner = runner;
    }

    Check check() throws InterruptedException {
        Optional<Path> file = locate();
        if (file.isEmpty()) {
            return new Check(
                    Optional.empty(),
                    Optional.of("Claude Code is not installed: agent.command `" + program + "` was not found"
                            + (program.contains("/") ? "" : " on the PATH") + ". " + Outcomes.INSTALL_FIX));
        }
        Optional<String> version;
        try {
            version = version(file.get());
        } catch (CommandException e) {
            return new Check(Optional.empty(), Optional.of(e.getMessage() + " " + Outcomes.INSTALL_FIX));
        }
        if (version.isEmpty()) {
            return new Check(
                    Optional.empty(),
                    Optional.of("`" + program + " --version` failed: Claude Code is not working. Reinstall it: "
                            + Outcomes.INSTALL_FIX));
        }
        return new Check(version, credentials());
    }

    /**
     * The program's file: {@code agent.command} when it is a path, else the first match on the
     * agent's PATH (which {@code agent.env} may change; the JVM would search its own).
     */
    Optional<Path> locate() {
        if (program.contains("/")) {
            Path file = Path.of(program);
            return executable(file) ? Optional.of(file) : Optional.empty();
        }
        for (String folder : environment.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!folder.isEmpty() && executable(Path.of(folder, program))) {
                return Optional.of(Path.of(folder, program));
            }
        }
        return Optional.empty();
    }

    private static boolean executable(Path file) {
        return Files.isExecutable(file) && !Files.isDirectory(file);
    }

    /** {@code 2.1.197} from {@code 2.1.197 (Claude Code)}; empty when the program fails. */
    private Optional<String> version(Path file) throws InterruptedException {
        Path log;
        try {
            log = Files.createTempFile("claude-version", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Command command = Command.of(List.of(file.toString(), "--version"), Path.of("."), log, VERSION_TIMEOUT)
                    .withEnvironment(environment);
            CommandResult result = runner.run(command, line -> {});
            if (!result.succeeded()) {
                return Optional.empty();
            }
            return result.tail().stream()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty())
                    .findFirst()
                    .map(line -> line.split("\\s+")[0]);
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException e) {
                // a leftover temp file is harmless
            }
        }
    }

    private Optional<String> credentials() {
        boolean inEnvironment = CREDENTIAL_VARIABLES.stream()
                .anyMatch(name -> !environment.getOrDefault(name, "").isBlank());
        if (inEnvironment || credentialsFile().map(Files::isRegularFile).orElse(false) || keychain()) {
            return Optional.empty();
        }
        return Optional.of("Claude Code has no credentials: ANTHROPIC_API_KEY is not set and there is no login ("
                + credentialsFile().map(Path::toString).orElse("~/.claude/.credentials.json")
                + " is missing). " + Outcomes.LOGIN_FIX);
    }

    private Optional<Path> credentialsFile() {
        String configDir = environment.getOrDefault("CLAUDE_CONFIG_DIR", "");
        if (!configDir.isBlank()) {
            return Optional.of(Path.of(configDir, ".credentials.json"));
        }
        String home = environment.getOrDefault("HOME", System.getProperty("user.home", ""));
        return home.isBlank() ? Optional.empty() : Optional.of(Path.of(home, ".claude", ".credentials.json"));
    }

    private static boolean keychain() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac");
    }
}
