package dev.orchestrator.agent;

import dev.orchestrator.contract.Contract;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The scripted agent's record of completed calls: one JSON object per line, so that a test can
 * count calls, even across runs of separate processes appending to the same file.
 *
 * <p>Each line is one {@code write} to a file opened for appending (the kernel keeps such writes
 * whole against other writers, in this process or another), then synced to disk. The lock keeps
 * {@code seq} in file order within this process; {@code pid} tells processes apart.
 */
final class CallsLog {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path file;
    private final Path script;
    private final long pid = ProcessHandle.current().pid();
    private final ReentrantLock lock = new ReentrantLock();
    private long seq; // guarded by lock

    CallsLog(Path file, Path script) {
        this.file = file;
        this.script = script;
    }

    /** Appends the call; a log that cannot be written fails the run loudly, as its counts would lie. */
    void append(AgentTask task, String sessionId, AgentResult result) {
        lock.lock();
        try {
            seq++;
            ObjectNode line = JSON.createObjectNode()
                    .put("seq", seq)
                    .put("at", Instant.now().toString())
                    .put("role", task.role().wireName())
                    .put("phase", task.phase().toString())
                    .put("item", task.itemKey().orElse(null))
                    .put("contract", task.contract().map(Contract::id).orElse(null))
                    .put("session_id", sessionId)
                    .put("continued", task.continueSession().isPresent())
                    .put("outcome", outcome(result))
                    .put("prompt", task.prompt())
                    .put("pid", pid);
            byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
            Files.createDirectories(file.toAbsolutePath().getParent());
            // java.io, not a channel: the line is written even when the thread was just interrupted
            try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) {
                out.write(bytes);
                out.getFD().sync();
            }
        } catch (IOException e) {
            throw new ScriptException(
                    script, "calls_log: cannot append to " + file + " (" + e.getMessage() + "). Check the folder.");
        } finally {
            lock.unlock();
        }
    }

    static String outcome(AgentResult result) {
        return switch (result.outcome()) {
            case AgentResult.Outcome.Success success -> "success";
            case AgentResult.Outcome.Failure failure -> failure.errorClass().wireName();
            case AgentResult.Outcome.Unfinished unfinished -> "unfinished";
        };
    }
}
