package dev.orchestrator.agent.codex;

import dev.orchestrator.agent.AgentStatus;
import dev.orchestrator.process.ChildProcesses;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether Codex can run here: its program, its version and its credentials, checked without
 * calling the API. Stateless; {@link CodexAgent} caches what it says.
 */
final class CodexInstallation {
    static final String INSTALL = "npm i -g @openai/codex";

    private static final Pattern VERSION = Pattern.compile("(?m)^codex-cli (\\S+)\\s*$");
    private static final long VERSION_TIMEOUT_SECONDS = 10;
    /** Built-in providers that run locally and need no key. */
    private static final Set<String> KEYLESS_PROVIDERS = Set.of("oss", "ollama", "lmstudio");

    private final String command;
    private final Map<String, String> environment;
    private final ChildProcesses processes;

    /**
     * @param command {@code agent.command}, or {@code codex}
     * @param environment Orchestrator's environment with agent.env on top: what codex will see
     */
    CodexInstallation(String command, Map<String, String> environment, ChildProcesses processes) {
        this.command = command;
        this.environment = Map.copyOf(environment);
        this.processes = processes;
    }

    /** The program to run, when it exists: a path as given, or the first match on the PATH. */
    Optional<Path> program() {
        if (command.contains("/")) {
            Path file = Path.of(command).toAbsolutePath();
            return executable(file) ? Optional.of(file) : Optional.empty();
        }
        for (String folder : environment.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!folder.isEmpty()) {
                Path candidate = Path.of(folder, command);
                if (executable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    String missingProgram() {
        return "the Codex command `" + command + "` was not found"
                + (command.contains("/") ? " (no executable file there)" : " on the PATH")
                + ". Install Codex with `" + INSTALL + "`, or set agent.command to the codex program's full path.";
    }

    /** Checks everything; {@code model} is agent.model when set. */
    AgentStatus status(String backend, Optional<String> model) {
        CodexHome home = CodexHome.of(environment);
        Optional<String> effectiveModel = model.or(home::model);
        Optional<Path> program = program();
        if (program.isEmpty()) {
            return new AgentStatus(backend, command, Optional.empty(), effectiveModel, Optional.of(missingProgram()));
        }
        String path = program.get().toString();
        Version version = version(program.get());
        if (version.problem().isPresent()) {
            return new AgentStatus(backend, path, Optional.empty(), effectiveModel, version.problem());
        }
        return new AgentStatus(backend, path, version.version(), effectiveModel, credentialsProblem(home));
    }

    /** Why codex would have no credentials; empty when it has some (or needs none). */
    Optional<String> credentialsProblem(CodexHome home) {
        String provider = home.modelProvider().orElse("openai");
        if (!provider.equals("openai") && home.definesProvider(provider)) {
            Optional<String> key = home.envKey(provider);
            if (key.isEmpty() || isSet(key.get())) {
                return Optional.empty();
            }
            return Optional.of("Codex's model_provider `" + provider + "` ("
                    + home.folder().resolve("config.toml")
                    + ") reads its API key from " + key.get() + ", which is not set. Set " + key.get()
                    + " in the environment or in agent.env.");
        }
        if (KEYLESS_PROVIDERS.contains(provider)
                || isSet("OPENAI_API_KEY")
                || isSet("CODEX_API_KEY")
                || home.hasAuthFile()) {
            return Optional.empty();
        }
        return Optional.of("Codex has no credentials: no OPENAI_API_KEY in the environment or agent.env, and no "
                + home.folder().resolve("auth.json") + ". Run `codex login` (with CODEX_HOME=" + home.folder()
                + "), or set OPENAI_API_KEY, or configure a model_provider with an env_key in "
                + home.folder().resolve("config.toml") + ".");
    }

    private boolean isSet(String variable) {
        String value = environment.get(variable);
        return value != null && !value.isBlank();
    }

    private record Version(Optional<String> version, Optional<String> problem) {}

    private Version version(Path program) {
        ProcessBuilder builder = new ProcessBuilder(program.toString(), "--version")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = null;
        try {
            process = processes.start(builder);
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                return failed(program, "it did not answer within " + VERSION_TIMEOUT_SECONDS + " s");
            }
            Matcher m = VERSION.matcher(output);
            if (process.exitValue() == 0 && m.find()) {
                return new Version(Optional.of(m.group(1)), Optional.empty());
            }
            return failed(program, "exit code " + process.exitValue() + ": " + output.strip());
        } catch (IOException e) {
            return failed(program, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(program, "interrupted");
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    private static Version failed(Path program, String why) {
        return new Version(
                Optional.empty(),
                Optional.of("`" + program + " --version` failed (" + why + "). Reinstall Codex with `" + INSTALL
                        + "`, or set agent.command to a working codex program."));
    }

    private static boolean executable(Path file) {
        return Files.isRegularFile(file) && Files.isExecutable(file);
    }
}
