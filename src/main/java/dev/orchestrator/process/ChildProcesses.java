package dev.orchestrator.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every child process Orchestrator starts or follows. The application creates one instance and
 * passes it to whatever starts processes; a process leaves the registry when it ends.
 *
 * <p>Every child runs in a session of its own ({@code setsid}), so the signals a terminal sends
 * to its foreground process group (Ctrl+C's SIGINT, Ctrl+\'s SIGQUIT, SIGHUP when it closes)
 * reach Orchestrator alone: a Ctrl+C at the prompt explains instead of killing the agents and the
 * git commands in flight. Orchestrator decides what ends them.
 *
 * <p>Two kinds of child: commands (git, tests, deploy commands), which end with Orchestrator, and
 * {@link #startAgent agents}, which outlive it when it dies or {@link #freeze detaches}: their
 * output goes to a file, the next Orchestrator finds them by pid and start time and {@link #adopt
 * follows} them to their end. Only a graceful stop ({@link #killAll}) ends agents.
 *
 * <p>Thread-safe. {@link #shutdown} (run by the JVM shutdown hook) closes the registry before
 * ending what it holds, so a command started at the same moment is either seen by it or ended by
 * {@link #start} itself.
 */
public final class ChildProcesses {
    private static final Logger log = LoggerFactory.getLogger(ChildProcesses.class);

    /** {@code setsid} from util-linux, which every Linux has; elsewhere children share our session. */
    private static final Optional<String> SETSID = locate("setsid");

    private final Set<Process> live = ConcurrentHashMap.newKeySet();
    private final Set<Process> agents = ConcurrentHashMap.newKeySet();
    private final Set<ProcessHandle> adopted = ConcurrentHashMap.newKeySet();
    private final Semaphore tools;
    private volatile boolean closed;
    private volatile boolean frozen;

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
        if (SETSID.isEmpty()) {
            log.warn("setsid was not found on this machine: child processes share Orchestrator's terminal session,"
                    + " so a Ctrl+C in the terminal reaches them too");
        }
    }

    /**
     * Starts a command's process in a session of its own and registers it until it ends.
     *
     * @throws IOException when the process cannot be started (as {@link ProcessBuilder#start()})
     * @throws CommandException when Orchestrator is shutting down; nothing is left running
     */
    public Process start(ProcessBuilder builder) throws IOException {
        awaitThaw();
        String program = builder.command().getFirst();
        Process process = inOwnSession(builder).start();
        live.add(process);
        process.onExit().thenRun(() -> live.remove(process));
        if (closed) {
            ProcessTree.kill(List.of(process.toHandle()), Duration.ZERO);
            throw new CommandException("Orchestrator is shutting down; " + program + " was stopped as it started.");
        }
        return process;
    }

    /**
     * Starts an agent's process in a session of its own. Unlike a command it is not ended when
     * Orchestrator exits without a graceful stop (a crash, {@code kill -9}, {@code /detach}): its
     * output goes to a file, and the next start adopts it.
     *
     * @throws CommandException when Orchestrator is shutting down
     */
    public Process startAgent(ProcessBuilder builder) throws IOException {
        awaitThaw();
        if (closed) {
            throw new CommandException(
                    "Orchestrator is shutting down; " + builder.command().getFirst() + " was not started.");
        }
        Process process = inOwnSession(builder).start();
        agents.add(process);
        process.onExit().thenRun(() -> agents.remove(process));
        return process;
    }

    /**
     * Registers an agent an earlier Orchestrator started, which this one now follows, so that a
     * graceful stop ends it as it ends this one's own.
     *
     * @return a handle to pass to {@link #release} when the following ends
     */
    public ProcessHandle adopt(ProcessHandle agent) {
        adopted.add(agent);
        return agent;
    }

    /** The adopted agent is no longer followed. */
    public void release(ProcessHandle agent) {
        adopted.remove(agent);
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

    /** How many registered processes (commands, agents, adopted agents) are running now. */
    public int running() {
        return (int) (live.stream().filter(Process::isAlive).count()
                + agents.stream().filter(Process::isAlive).count()
                + adopted.stream().filter(ProcessTree::isRunning).count());
    }

    /** How many agents (started here or adopted) are running now. */
    public int runningAgents() {
        return (int) (agents.stream().filter(Process::isAlive).count()
                + adopted.stream().filter(ProcessTree::isRunning).count());
    }

    /**
     * Ends every registered process, agents included, with its descendants: a polite stop, up to
     * {@code grace} to finish, then a forced one. Processes may be started again afterwards.
     *
     * @return how many registered processes were running and have been ended
     */
    public int killAll(Duration grace) {
        List<ProcessHandle> roots = new ArrayList<>();
        live.forEach(p -> roots.add(p.toHandle()));
        agents.forEach(p -> roots.add(p.toHandle()));
        roots.addAll(adopted);
        List<ProcessHandle> withSessions = new ArrayList<>(roots);
        for (ProcessHandle root : roots) {
            if (agents.stream().anyMatch(a -> a.pid() == root.pid()) || adopted.contains(root)) {
                withSessions.addAll(ProcessTree.sessionMembers(root.pid()));
            }
        }
        int killed = ProcessTree.kill(withSessions, grace);
        if (killed > 0) {
            log.info("Ended {} child process{} and their descendants", killed, killed == 1 ? "" : "es");
        }
        return killed;
    }

    /**
     * Refuses new processes from now on, then ends the running commands. Agents are left to finish
     * their calls: their output goes to files, and the next start adopts them.
     */
    public int shutdown(Duration grace) {
        closed = true;
        List<ProcessHandle> roots = live.stream().map(Process::toHandle).toList();
        int left = runningAgents();
        if (left > 0) {
            log.info(
                    "Leaving {} agent process{} to finish {} call{}; the next start adopts them",
                    left,
                    left == 1 ? "" : "es",
                    left == 1 ? "its" : "their",
                    left == 1 ? "" : "s");
        }
        return ProcessTree.kill(roots, grace);
    }

    /**
     * From now on nothing new starts: whoever asks waits until the JVM exits. Used when the person
     * detaches ({@code /detach}): the running agents and commands finish on their own, and nothing
     * Orchestrator would start on the way out half-runs.
     */
    public void freeze() {
        frozen = true;
    }

    /**
     * Waits up to {@code limit} for the running commands (git, tests; not agents) to end, so that
     * none is cut off half-way when the JVM ends without a stop (a git commit would leave its
     * index lock behind).
     *
     * @return whether every command ended in time
     */
    public boolean awaitCommands(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        for (Process process : List.copyOf(live)) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0 || !process.waitFor(left, java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Registers a JVM shutdown hook that {@link #shutdown shuts the registry down}. */
    public void installShutdownHook(Duration grace) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(grace), "orchestrator-child-processes"));
    }

    private void awaitThaw() {
        while (frozen) {
            LockSupport.park(this);
        }
    }

    /**
     * The builder with {@code setsid} in front of its command, where there is one. The program is
     * looked up first, as {@link ProcessBuilder#start()} would, so that a missing or unusable one
     * still fails the start with an {@link IOException} rather than becoming setsid's exit code 127.
     */
    private static ProcessBuilder inOwnSession(ProcessBuilder builder) throws IOException {
        if (SETSID.isEmpty() || builder.command().getFirst().equals(SETSID.get())) {
            return builder;
        }
        List<String> command = new ArrayList<>(builder.command().size() + 1);
        command.add(SETSID.get());
        command.add(executable(builder));
        command.addAll(builder.command().subList(1, builder.command().size()));
        builder.command(command);
        return builder;
    }

    /** The program's path, found on the builder's PATH when it names no folder. */
    private static String executable(ProcessBuilder builder) throws IOException {
        String program = builder.command().getFirst();
        if (program.contains("/")) {
            Path file = Path.of(program);
            if (!file.isAbsolute() && builder.directory() != null) {
                file = builder.directory().toPath().resolve(file);
            }
            if (!Files.exists(file)) {
                throw new IOException("Cannot run program \"" + program + "\": error=2, No such file or directory");
            }
            if (!Files.isExecutable(file) || Files.isDirectory(file)) {
                throw new IOException("Cannot run program \"" + program + "\": error=13, Permission denied");
            }
            return file.toString();
        }
        String path = builder.environment().getOrDefault("PATH", "");
        for (String folder : path.split(java.io.File.pathSeparator)) {
            if (!folder.isEmpty()) {
                Path candidate = Path.of(folder, program);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return candidate.toString();
                }
            }
        }
        throw new IOException("Cannot run program \"" + program + "\": error=2, No such file or directory");
    }

    private static Optional<String> locate(String program) {
        List<String> folders = new ArrayList<>(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"));
        folders.addAll(List.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)));
        for (String folder : folders) {
            if (folder.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(folder, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }
}
