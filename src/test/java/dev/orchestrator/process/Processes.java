package dev.orchestrator.process;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** Helpers for tests that start real processes. */
final class Processes {
    static final Duration WAIT = Duration.ofSeconds(10);

    private Processes() {}

    /** Whether the process with this id still runs (a zombie does not). */
    static boolean running(long pid) {
        return ProcessHandle.of(pid).map(ProcessTree::isRunning).orElse(false);
    }

    static void awaitEnded(long pid) {
        await().atMost(WAIT).until(() -> !running(pid));
    }

    /** Ends a process a test started and lost track of. */
    static void cleanUp(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** The first line the process prints. */
    static String firstLine(Process process) throws IOException {
        BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        return reader.readLine();
    }

    static List<String> sh(String script) {
        return List.of("/bin/sh", "-c", script);
    }
}
