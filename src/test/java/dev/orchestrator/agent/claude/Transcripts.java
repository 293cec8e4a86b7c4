package dev.orchestrator.agent.claude;

import dev.orchestrator.agent.AgentResult;
import dev.orchestrator.process.AgentExit;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Recorded Claude Code 2.1.197 output (src/test/resources/agents/claude/), replayed through a {@link ClaudeRun}. */
final class Transcripts {
    static final Path WORK_DIR = Path.of("/tmp/cw_write");

    private Transcripts() {}

    static List<String> lines(String name) {
        try (InputStream in = Transcripts.class.getResourceAsStream("/agents/claude/" + name + ".jsonl")) {
            if (in == null) {
                throw new IllegalArgumentException("no transcript " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ClaudeRun replay(List<String> lines, RecordingListener listener) {
        ClaudeRun run = new ClaudeRun(WORK_DIR, listener);
        lines.forEach(run);
        return run;
    }

    /** The outcome of a run that printed {@code lines} and exited with {@code exitCode}. */
    static AgentResult.Outcome outcome(List<String> lines, int exitCode) {
        ClaudeRun run = replay(lines, new RecordingListener());
        return Outcomes.of(run, exited(exitCode, lines), Duration.ofSeconds(60), Duration.ofSeconds(600));
    }

    static AgentExit exited(int exitCode, List<String> lines) {
        return new AgentExit(
                java.util.OptionalInt.of(exitCode),
                false,
                false,
                true,
                Duration.ofSeconds(1),
                lines,
                Path.of("raw.jsonl"));
    }
}
