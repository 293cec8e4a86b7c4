package dev.orchestrator.process;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every child process Orchestrator starts, so that none outlives it. The application creates one
 * instance and passes it to whatever starts processes; a process leaves the registry when it ends.
 *
 * <p>Thread-safe. {@link #shutdown} (run by the JVM shutdown hook) closes the registry before
 * ending what it holds, so a process started at the same moment is either seen by it or ended by
 * {@link #start} itself.
 */
public final class ChildProcesses {
    private static final Logger log = LoggerFactory.getLogger(ChildProcesses.class);

    private final Set<Process> live = ConcurrentHashMap.newKeySet();
    private final Semaphore tools;
    private volatile boolean closed;

    /** At most twice as many {@link #startTool tool processes} at once as there are cores. */
    public ChildProcesses() {
        this(2 * Runtime.getRuntime().availableProcessors());
    }

    /** @param maxTools how many {@link #startTool tool processes} may run at once */
    public ChildProcesses(int maxTools) {
        if (maxTools < 1) {
            throw new IllegalArgumentException("maxTools must be at least 1, not " + maxTools);
        }
        this.tools = new Semaphore(maxTools);
    }

    /**
     * Starts a process and registers it until it ends.
     *
     * @throws IOException when the process cannot be started (as {@link ProcessBuilder#start()})
     * @throws CommandException when Orchestrator is shutting down; nothing is left running
     */
    public Process start(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        live.add(process);
        process.onExit().thenRun(() -> live.remove(process));
        if (closed) {
            ProcessTree.kill(List.of(process.toHandle()), Duration.ZERO);
            throw new CommandException(
                    "Orchestrator is shutting down; " + builder.command().getFirst() + " was stopped as it started.");
        }
        return process;
    }

    /**
     * Starts a short-lived, CPU-bound tool process (git), waiting first until fewer than {@code
     * maxTools} of them run, and registers it. A thousand projects each starting git would otherwise
     * run a thousand processes at once: the kernel shares the cores among all of them, the JVM's few
     * threads (the store's writer, the virtual threads' carriers) get a sliver each, and every
     * latency grows to seconds while the total work stays the same. Waiting here costs nothing (a
     * virtual thread waits unmounted) and is uninterruptible, like the tool run itself.
     */
    public Process startTool(ProcessBuilder builder) throws IOException {
        tools.acquireUninterruptibly();
        Process process;
        try {
            process = start(builder);
        } catch (IOException | RuntimeException e) {
            tools.release();
            throw e;
        }
        process.onExit().thenRun(tools::release);
        return process;
    }

    /** How many registered processes are running now. */
    public int running() {
        return (int) live.stream().filter(Process::isAlive).count();
    }

    /**
     * Ends every registered process with its descendants: a polite stop, up to {@code grace} to
     * finish, then a forced one. Processes may be started again afterwards.
     *
     * @return how many registered processes were running and have been ended
     */
    public int killAll(Duration grace) {
        List<ProcessHandle> roots = live.stream().map(Process::toHandle).toList();
        int killed = ProcessTree.kill(roots, grace);
        if (killed > 0) {
            log.info("Ended {} child process{} and their descendants", killed, killed == 1 ? "" : "es");
        }
        return killed;
    }

    /** Refuses new processes from now on, then {@link #killAll ends} the running ones. */
    public int shutdown(Duration grace) {
        closed = true;
        return killAll(grace);
    }

    /** Registers a JVM shutdown hook that {@link #shutdown shuts the registry down}. */
    public void installShutdownHook(Duration grace) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(grace), "orchestrator-child-processes"));
    }
}
