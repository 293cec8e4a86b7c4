package dev.orchestrator.agent.codex;

import dev.orchestrator.agent.AgentTask;
import dev.orchestrator.agent.Role;
import dev.orchestrator.agent.fake.FakeResponsesApi;
import dev.orchestrator.config.AgentBackend;
import dev.orchestrator.config.AgentConfig;
import dev.orchestrator.config.AgentTimeouts;
import dev.orchestrator.config.ModelPrice;
import dev.orchestrator.config.PhaseName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the tests with the real Codex CLI share: the pinned program that scripts/install-agents
 * installs, a CODEX_HOME pointed at a {@link FakeResponsesApi}, and the agent settings for it.
 */
public final class RealCodex {
    /** What gpt-5.5 costs in these tests, in US dollars per million tokens. */
    public static final ModelPrice PRICE =
            new ModelPrice(new BigDecimal("1.25"), new BigDecimal("0.125"), new BigDecimal("10"));

    private RealCodex() {}

    /** The pinned codex command; fails (never skips) when it is not installed. */
    public static Path program() {
        String bin = System.getProperty("agents.bin");
        if (bin == null || bin.isBlank()) {
            throw new AssertionError("the system property agents.bin is not set: run these tests through Maven "
                    + "(mvn verify), which points it at .tools/agents/node_modules/.bin");
        }
        Path codex = Path.of(bin, "codex");
        if (!Files.isExecutable(codex)) {
            throw new AssertionError(codex + " is missing: run scripts/install-agents to install the pinned Codex "
                    + "CLI, then run the tests again");
        }
        return codex;
    }

    /**
     * A fresh CODEX_HOME under target/ (not /tmp: Codex warns on every call when its home is under a
     * temporary folder) with a config.toml pointing at the fake.
     */
    public static Path home(FakeResponsesApi api) {
        try {
            Path base = Files.createDirectories(Path.of("target", "codex-homes").toAbsolutePath());
            Path home = Files.createTempDirectory(base, "home");
            api.writeCodexConfig(home);
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** agent.env for Codex in {@code home}: its home and the fake's API key. */
    public static Map<String, String> env(Path home) {
        return Map.of("CODEX_HOME", home.toString(), FakeResponsesApi.API_KEY_VARIABLE, FakeResponsesApi.API_KEY);
    }

    static AgentConfig config(String command, Path home) {
        return new AgentConfig(
                AgentBackend.CODEX,
                Optional.of(command),
                Optional.of("gpt-5.5"),
                Optional.empty(),
                50,
                env(home),
                new AgentTimeouts(60),
                Optional.empty(),
                0,
                Map.of("gpt-5.5", PRICE));
    }

    static AgentTask task(Role role, String prompt, Path workDir, Duration stall) {
        return new AgentTask(
                role,
                PhaseName.IMPLEMENT,
                Optional.of("W1"),
                prompt,
                workDir,
                Optional.empty(),
                Optional.empty(),
                Duration.ofSeconds(60),
                stall,
                workDir.resolve(".orchestrator/logs/implement/W1-" + role.wireName() + ".jsonl"));
    }

    /** The running processes below this JVM whose command line mentions codex. */
    static List<ProcessHandle> codexProcesses() {
        return ProcessHandle.current()
                .descendants()
                .filter(RealCodex::running)
                .filter(p -> p.info().commandLine().orElse("").contains("codex")
                        || p.info().command().orElse("").contains("codex"))
                .toList();
    }

    /** Alive and not a zombie. */
    static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return process.isAlive();
        }
    }
}
