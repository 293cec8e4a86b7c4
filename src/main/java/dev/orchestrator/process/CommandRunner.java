package dev.orchestrator.process;

import dev.orchestrator.logging.Redactor;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Command} to its end: standard input closed (or, when the command has input, that
 * text written to a pipe on a virtual thread, then the pipe closed), standard output and error
 * merged and read line by line on a virtual thread, each line appended to the command's log file
 * (with secrets masked) and handed to a listener as it is, the last lines kept for the result.
 *
 * <p>A command's processes end with it. On timeout or interruption its whole process tree is ended;
 * when it exits by itself, the processes it was seen to start and left running are ended too (they
 * would otherwise keep its output open, and outlive Orchestrator). A process detached and orphaned
 * between two looks (the tree is sampled while the command runs, more rarely as it ages) cannot be
 * found: the runner then stops reading after {@value #DRAIN_SECONDS} seconds rather than wait for it.
 * A command that exits (or is ended) without reading all of its input is no failure: the rest of
 * the input is dropped.
 *
 * <p>Thread-safe: each call owns its process, its reader thread and its log file handle.
 */
public final class CommandRunner {
    private static final Logger log = LoggerFactory.getLogger(CommandRunner.class);

    /** How long an ended command's output may stay open (held by something it left behind). */
    static final int DRAIN_SECONDS = 2;

    private static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(2);
    private static final long FIRST_LOOK_MILLIS = 50;
    private static final long MAX_LOOK_MILLIS = 1_000;
    private static final File NO_INPUT = new File("/dev/null");

    private final ChildProcesses children;
    private final Duration killGrace;

    public CommandRunner(ChildProcesses children) {
        this(children, DEFAULT_KILL_GRACE);
    }

    /** @param killGrace how long an ended process tree gets between the polite and the forced stop */
    public CommandRunner(ChildProcesses children, Duration killGrace) {
        this.children = Objects.requireNonNull(children, "children");
        this.killGrace = Objects.requireNonNull(killGrace, "killGrace");
    }

    /**
     * Runs the command and waits for it.
     *
     * @param onLine receives each line of output, on the reader thread, in order
     * @return how it ended; a non-zero exit or a timeout is a result, not an exception
     * @throws CommandException when the program, its folder or the log file cannot be used
     * @throws InterruptedException when the calling thread is interrupted: the process tree has
     *     been ended before this is thrown
     */
    public CommandResult run(Command command, Consumer<String> onLine) throws InterruptedException {
        Objects.requireNonNull(onLine, "onLine");
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before starting " + command.display());
        }
        if (!Files.isDirectory(command.directory())) {
            throw new CommandException("cannot run " + command.program() + ": the folder " + command.directory()
                    + " does not exist. Create it, or run the command elsewhere.");
        }
        ProcessBuilder builder = builder(command);
        Output output = Output.open(command, onLine);
        long started = System.nanoTime();
        Process process;
        try {
            process = children.start(builder);
        } catch (IOException e) {
            output.close();
            throw cannotStart(command, builder, e);
        } catch (RuntimeException e) {
            output.close();
            throw e;
        }
        Thread reader =
                Thread.ofVirtual().name("output-" + process.pid()).start(() -> output.read(process.getInputStream()));
        Optional<Thread> writer = command.input()
                .map(text -> Thread.ofVirtual()
                        .name("input-" + process.pid())
                        .start(() -> write(text, process.getOutputStream(), command)));
        Set<ProcessHandle> seen = new LinkedHashSet<>();
        Wait wait;
        try {
            wait = awaitExit(
                    process,
                    started + command.timeout().toNanos(),
                    command.stallTimeout().toNanos(),
                    output,
                    seen);
        } catch (InterruptedException e) {
            endTree(process, seen);
            finishStreams(reader, writer, output, command);
            throw e;
        }
        switch (wait) {
            case EXITED -> endLeftovers(command, seen);
            case TIMED_OUT -> {
                log.info("{} ran past its timeout of {}; ending it", command.display(), command.timeout());
                endTree(process, seen);
            }
            case STALLED -> {
                log.info("{} printed nothing for {}; ending it as stalled", command.display(), command.stallTimeout());
                endTree(process, seen);
            }
        }
        finishStreams(reader, writer, output, command);
        return new CommandResult(
                exitCode(process),
                wait == Wait.TIMED_OUT,
                wait == Wait.STALLED,
                Duration.ofNanos(System.nanoTime() - started),
                output.tail(),
                command.logFile());
    }

    private static ProcessBuilder builder(Command command) {
        ProcessBuilder builder = new ProcessBuilder(command.arguments())
                .directory(command.directory().toFile())
                .redirectInput(
                        command.input().isPresent()
                                ? ProcessBuilder.Redirect.PIPE
                                : ProcessBuilder.Redirect.from(NO_INPUT))
                .redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeAll(command.removedVariables());
        environment.putAll(command.environment());
        return builder;
    }

    /** How the wait for a process ended. */
    private enum Wait {
        EXITED,
        TIMED_OUT,
        STALLED
    }

    /**
     * Waits for the process until the deadline, or until it has printed nothing for the stall
     * window, noting its descendants now and then.
     */
    private static Wait awaitExit(
            Process process, long deadline, long stallNanos, Output output, Set<ProcessHandle> seen)
            throws InterruptedException {
        long look = FIRST_LOOK_MILLIS;
        while (true) {
            long now = System.nanoTime();
            long left = deadline - now;
            if (left <= 0) {
                return process.isAlive() ? Wait.TIMED_OUT : Wait.EXITED;
            }
            if (stallNanos > 0) {
                long quietFor = now - output.lastOutputNanos();
                if (quietFor >= stallNanos) {
                    return process.isAlive() ? Wait.STALLED : Wait.EXITED;
                }
                left = Math.min(left, stallNanos - quietFor);
            }
            if (process.waitFor(Math.min(left, TimeUnit.MILLISECONDS.toNanos(look)), TimeUnit.NANOSECONDS)) {
                return Wait.EXITED;
            }
            process.descendants().forEach(seen::add);
            look = Math.min(look * 2, MAX_LOOK_MILLIS);
        }
    }

    private void endTree(Process process, Set<ProcessHandle> seen) {
        List<ProcessHandle> roots = new ArrayList<>();
        roots.add(process.toHandle());
        roots.addAll(seen);
        ProcessTree.kill(roots, killGrace);
    }

    private void endLeftovers(Command command, Set<ProcessHandle> seen) {
        List<ProcessHandle> left = seen.stream().filter(ProcessTree::isRunning).toList();
        if (!left.isEmpty()) {
            log.info("{} exited leaving {} process(es) running; ending them", command.display(), left.size());
            ProcessTree.kill(left, killGrace);
        }
    }

    /**
     * Writes the command's input and closes the pipe. A process that ends without reading it all
     * breaks the pipe: that is its choice, not a failure of the run.
     */
    private static void write(String text, OutputStream stdin, Command command) {
        try (stdin) {
            stdin.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            log.debug("{} did not read all of its input: {}", command.display(), e.toString());
        }
    }

    /**
     * Waits (without giving in to interrupts) for the reader to see the end of the output and for
     * the writer to finish, both within {@value #DRAIN_SECONDS} seconds: a process the command left
     * behind may hold either pipe open.
     */
    private static void finishStreams(Thread reader, Optional<Thread> writer, Output output, Command command) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
        if (!awaitEnd(reader, deadline)) {
            output.detach();
            log.warn(
                    "the output of {} is still held open by a process it left behind; no longer reading it",
                    command.display());
        }
        if (writer.isPresent() && !awaitEnd(writer.get(), deadline)) {
            log.warn(
                    "the input of {} is still held open by a process it left behind; no longer writing it",
                    command.display());
        }
    }

    /** Whether the thread ended before the deadline; an interrupt is kept for later, not obeyed. */
    private static boolean awaitEnd(Thread thread, long deadline) {
        boolean interrupted = false;
        try {
            while (thread.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    thread.join(Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int exitCode(Process process) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return process.waitFor();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static CommandException cannotStart(Command command, ProcessBuilder builder, IOException e) {
        String program = command.program();
        if (!program.contains("/")) {
            String path = builder.environment().getOrDefault("PATH", "");
            if (!onPath(program, path)) {
                return new CommandException(
                        "cannot run " + program + ": there is no program of that name on the PATH ("
                                + (path.isEmpty() ? "PATH is empty" : "PATH=" + path)
                                + "). Install it, or give its full path.",
                        e);
            }
        } else {
            Path file = command.directory().resolve(program);
            if (!Files.exists(file)) {
                return new CommandException("cannot run " + program + ": " + file + " does not exist.", e);
            }
            if (!Files.isExecutable(file) || Files.isDirectory(file)) {
                return new CommandException(
                        "cannot run " + program + ": " + file + " is not an executable file (try chmod +x).", e);
            }
        }
        return new CommandException(
                "cannot run " + command.display() + " in " + command.directory() + ": " + e.getMessage(), e);
    }

    private static boolean onPath(String program, String path) {
        for (String folder : path.split(File.pathSeparator)) {
            if (!folder.isEmpty()) {
                Path candidate = Path.of(folder, program);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A command's output: the log file, the listener and the tail. Lines are written by the reader
     * thread alone; the tail is also read by the caller, under its lock.
     */
    private static final class Output {
        private final Writer logWriter;
        private final Path logFile;
        private final Consumer<String> onLine;
        private final int tailLines;
        private final int maxLineChars;
        private final ArrayDeque<String> tail = new ArrayDeque<>();
        private volatile long lastOutputNanos = System.nanoTime();
        private volatile boolean detached;
        private boolean logFailed;
        private boolean listenerFailed;

        private Output(Writer logWriter, Path logFile, Consumer<String> onLine, int tailLines, int maxLineChars) {
            this.logWriter = logWriter;
            this.logFile = logFile;
            this.onLine = onLine;
            this.tailLines = tailLines;
            this.maxLineChars = maxLineChars;
        }

        /** When the command last printed anything ({@link System#nanoTime()}; its start before that). */
        long lastOutputNanos() {
            return lastOutputNanos;
        }

        static Output open(Command command, Consumer<String> onLine) {
            Path file = command.logFile();
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Writer writer = Files.newBufferedWriter(
                        file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                return new Output(writer, file, onLine, command.tailLines(), command.maxLineChars());
            } catch (IOException e) {
                throw new CommandException(
                        "cannot run " + command.program() + ": its log file " + file + " cannot be written ("
                                + e.getMessage() + "). Check that the folder is writable and has free space.",
                        e);
            }
        }

        void read(InputStream stream) {
            try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
                char[] buffer = new char[8192];
                StringBuilder line = new StringBuilder();
                for (int n = reader.read(buffer); n >= 0; n = reader.read(buffer)) {
                    lastOutputNanos = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        char c = buffer[i];
                        if (c == '\n') {
                            emit(line);
                        } else {
                            line.append(c);
                            if (line.length() >= maxLineChars) {
                                emit(line);
                            }
                        }
                    }
                }
                if (!line.isEmpty()) {
                    emit(line);
                }
            } catch (IOException e) {
                log.debug("stopped reading command output: {}", e.toString());
            } finally {
                close();
            }
        }

        private void emit(StringBuilder buffer) {
            int end = buffer.length();
            if (end > 0 && buffer.charAt(end - 1) == '\r') {
                end--;
            }
            String line = buffer.substring(0, end);
            buffer.setLength(0);
            if (detached) {
                return;
            }
            writeToLog(line);
            try {
                onLine.accept(line);
            } catch (RuntimeException e) {
                if (!listenerFailed) {
                    listenerFailed = true;
                    log.warn("a command output listener failed (later failures are not logged); reading goes on", e);
                }
            }
            synchronized (tail) {
                tail.addLast(line);
                while (tail.size() > tailLines) {
                    tail.removeFirst();
                }
            }
        }

        private void writeToLog(String line) {
            if (logFailed) {
                return;
            }
            try {
                // the log is read by people and kept: secrets an agent or a test prints stay out of it
                logWriter.write(Redactor.redact(line));
                logWriter.write('\n');
                logWriter.flush();
            } catch (IOException e) {
                logFailed = true;
                log.warn(
                        "cannot append to {}; the rest of this command's output is not logged: {}",
                        logFile,
                        e.toString());
            }
        }

        List<String> tail() {
            synchronized (tail) {
                return List.copyOf(tail);
            }
        }

        /** Stops passing lines on: the run has returned. */
        void detach() {
            detached = true;
        }

        void close() {
            try {
                logWriter.close();
            } catch (IOException e) {
                log.warn("cannot close {}: {}", logFile, e.toString());
            }
        }
    }
}
