package dev.orchestrator.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches, through /proc, which agent calls have processes working in which folders: a process
 * belongs to a call by the token in its environment ({@code ORCHESTRATOR_AGENT_CALL}), and works
 * in the folder that is its working directory. Sampled every few milliseconds on a thread of its
 * own until closed; {@link #mostAtOnce} says the most distinct calls seen in one folder at one
 * sample.
 */
public final class AgentWatch implements AutoCloseable {
    private static final String VARIABLE = "ORCHESTRATOR_AGENT_CALL=";

    private final Path root;
    private final Map<Path, Integer> most = new ConcurrentHashMap<>();
    private final Map<Path, Set<String>> seen = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread sampler;
    private volatile long samples;

    /** Watches the folders under {@code root} (a workspace), from now on. */
    public AgentWatch(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.sampler = Thread.ofPlatform().daemon().name("agent-watch").start(this::run);
    }

    private void run() {
        while (running.get()) {
            sample();
            samples++;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The calls with a process working in each watched folder now. */
    public Map<Path, Set<String>> now() {
        Map<Path, Set<String>> calls = new TreeMap<>();
        ProcessHandle.allProcesses().forEach(process -> {
            String token = token(process.pid());
            if (token == null) {
                return;
            }
            try {
                Path cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "cwd"));
                if (cwd.startsWith(root)) {
                    calls.computeIfAbsent(cwd, c -> new TreeSet<>()).add(token);
                }
            } catch (IOException | RuntimeException e) {
                // gone, or not ours
            }
        });
        return calls;
    }

    /** Whether any agent call has a process working in the watched folders now. */
    public boolean anyRunning() {
        return !now().isEmpty();
    }

    private void sample() {
        now().forEach((folder, calls) -> {
            most.merge(folder, calls.size(), Math::max);
            seen.computeIfAbsent(folder, f -> ConcurrentHashMap.newKeySet()).addAll(calls);
        });
    }

    /** The most distinct agent calls seen working in one folder at the same moment. */
    public int mostAtOnce() {
        return most.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** Every folder with the most calls seen in it at once, for a failure's message. */
    public String report() {
        return "samples " + samples + ", most calls at once per folder " + most + ", calls seen " + seen;
    }

    @Override
    public void close() {
        running.set(false);
        try {
            sampler.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String token(long pid) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(Path.of("/proc", Long.toString(pid), "environ"))) {
            bytes = in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            return null;
        }
        String environ = new String(bytes, StandardCharsets.UTF_8);
        for (String entry : environ.split("\0")) {
            if (entry.startsWith(VARIABLE)) {
                return entry.substring(VARIABLE.length());
            }
        }
        return null;
    }
}
