package dev.orchestrator.agent.claude;

import static org.assertj.core.api.Assertions.fail;

import dev.orchestrator.agent.fake.FakeAnthropicApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The pinned Claude Code CLI that scripts/install-agents puts in .tools/agents, pointed at a fake API. */
public final class RealClaude {
    private RealClaude() {}

    /** The {@code claude} program; fails (never skips) when it is not installed. */
    public static Path program() {
        String bin = System.getProperty("agents.bin");
        if (bin == null) {
            fail("the system property agents.bin is not set: run the integration tests through Maven (Failsafe)");
        }
        Path claude = Path.of(bin, "claude");
        if (!Files.isExecutable(claude)) {
            fail(claude + " is missing: run scripts/install-agents to install the pinned Claude Code CLI");
        }
        return claude;
    }

    /**
     * The environment for a CLI talking to {@code api}: a fake key, its own config folder and home
     * under {@code dir}, no traffic elsewhere, and at most {@code maxRetries} retries.
     */
    public static Map<String, String> env(FakeAnthropicApi api, Path dir, int maxRetries) {
        try {
            Files.createDirectories(dir.resolve("claude-config"));
            Files.createDirectories(dir.resolve("home"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ANTHROPIC_BASE_URL", api.url());
        env.put("ANTHROPIC_API_KEY", "sk-ant-fake");
        env.put("CLAUDE_CONFIG_DIR", dir.resolve("claude-config").toString());
        env.put("HOME", dir.resolve("home").toString());
        env.put("DISABLE_TELEMETRY", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("DISABLE_ERROR_REPORTING", "1");
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("CLAUDE_CODE_MAX_RETRIES", Integer.toString(maxRetries));
        return env;
    }

    /** Processes running in {@code folder} (their working directory), seen through /proc. */
    public static List<ProcessHandle> runningIn(Path folder) {
        Path real;
        try {
            real = folder.toRealPath();
        } catch (IOException e) {
            return List.of();
        }
        return ProcessHandle.allProcesses()
                .filter(process -> {
                    try {
                        return Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "cwd"))
                                .equals(real);
                    } catch (IOException | UnsupportedOperationException | SecurityException e) {
                        return false;
                    }
                })
                .toList();
    }
}
