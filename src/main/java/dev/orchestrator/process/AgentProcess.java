package dev.orchestrator.process;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An agent's process as Orchestrator records it, so that another Orchestrator process (after a
 * crash, a {@code kill -9}, a {@code /detach}) can find it again and follow it: its pid with the
 * moment it started (the kernel may give the pid to another program later: that one started at
 * another moment and does not match), the token in its environment ({@value #TOKEN_VARIABLE}),
 * which finds it when its pid was never recorded, and the file its output goes to.
 *
 * @param pid the process id, 0 when it was never recorded (the recorder died first)
 * @param startedAt when the process started, as the kernel says ({@link ProcessHandle.Info#startInstant()});
 *     for people, and to tell processes apart where there is no {@code identity}
 * @param identity the boot and the clock tick the process started at ({@code <boot id>/<ticks>}),
 *     which no step of the wall clock moves (an NTP correction, a virtual machine resuming would
 *     move {@code startedAt}); empty where /proc does not say
 * @param token the value of {@value #TOKEN_VARIABLE} in the process's environment
 * @param output the file its standard output and error are appended to
 */
public record AgentProcess(
        long pid, Optional<Instant> startedAt, Optional<String> identity, String token, Path output) {
    /** How far two readings of a start time may differ and still be the same process, without an identity. */
    private static final java.time.Duration SAME_START = java.time.Duration.ofSeconds(2);

    /** The variable that marks an agent's process with its call's token. */
    public static final String TOKEN_VARIABLE = "ORCHESTRATOR_AGENT_CALL";

    public AgentProcess {
        if (pid < 0) {
            throw new IllegalArgumentException("a pid is 0 (unknown) or positive, not " + pid);
        }
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(output, "output");
    }

    /** This process as the kernel knows it now: the one with its pid and start time. */
    static AgentProcess of(ProcessHandle handle, String token, Path output) {
        return new AgentProcess(
                handle.pid(), handle.info().startInstant(), ProcessTree.identity(handle.pid()), token, output);
    }

    /**
     * The process, if it still runs: the recorded pid with the recorded start time, or, when no pid
     * was recorded, a process of this user whose environment carries the token.
     */
    public Optional<ProcessHandle> find() {
        if (pid > 0) {
            return ProcessHandle.of(pid).filter(ProcessTree::isRunning).filter(this::startedThen);
        }
        return withToken(token);
    }

    /** Whether the process still runs. */
    public boolean running() {
        return find().isPresent();
    }

    private boolean startedThen(ProcessHandle handle) {
        Optional<String> now = ProcessTree.identity(handle.pid());
        if (identity.isPresent() && now.isPresent()) {
            return identity.equals(now);
        }
        Optional<Instant> started = handle.info().startInstant();
        // without a recorded start time (a platform that does not say), the pid has to do
        return startedAt.isEmpty()
                || started.isEmpty()
                || java.time.Duration.between(started.get(), startedAt.get())
                                .abs()
                                .compareTo(SAME_START)
                        <= 0;
    }

    /** A running process whose environment holds {@code TOKEN_VARIABLE=token} (scanned in /proc). */
    static Optional<ProcessHandle> withToken(String token) {
        if (token.isEmpty()) {
            return Optional.empty();
        }
        byte[] marker = (TOKEN_VARIABLE + "=" + token).getBytes(StandardCharsets.UTF_8);
        long self = ProcessHandle.current().pid();
        Optional<ProcessHandle> any = Optional.empty();
        for (long candidate : ProcessTree.pids()) {
            if (candidate == self || !carries(new File("/proc/" + candidate + "/environ"), marker)) {
                continue;
            }
            Optional<ProcessHandle> found = ProcessHandle.of(candidate).filter(ProcessTree::isRunning);
            // the agent leads its session; its children inherit the token too
            if (found.isPresent() && ProcessTree.sessionOf(candidate) == candidate) {
                return found;
            }
            any = any.or(() -> found);
        }
        return any;
    }

    /** Whether the NUL-separated environment file holds exactly this entry. */
    private static boolean carries(File environ, byte[] entry) {
        // java.io, not NIO: a channel would refuse to read on an interrupted thread
        byte[] bytes;
        try (InputStream in = new FileInputStream(environ)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            return false; // another user's process, or gone
        }
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == 0) {
                if (i - start == entry.length && java.util.Arrays.equals(bytes, start, i, entry, 0, entry.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }
}
