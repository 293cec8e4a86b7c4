package dev.orchestrator.process;

import dev.orchestrator.logging.Redactor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs agents so that they survive Orchestrator: each in a session of its own (no signal from the
 * terminal reaches it), reading its prompt from a file and writing its output straight to a file,
 * with no pipe to Orchestrator that could break when Orchestrator dies. Orchestrator follows that
 * file as it grows, line by line; another Orchestrator process can {@link #adopt} the same agent
 * later and follow it from the start of the file, replaying what was already seen.
 *
 * <p>The files of one call sit beside its log ({@code x.jsonl}): {@code x.prompt} (its standard
 * input, owner-only, removed once the process has it open) and {@code x.out} (its raw output,
 * owner-only, removed by the caller once the call's outcome is recorded). The log itself is the
 * readable copy, with secrets masked, written by the follower.
 *
 * <p>Thread-safe: each call owns its process and files.
 */
public final class AgentRunner {
    private static final Logger log = LoggerFactory.getLogger(AgentRunner.class);

    private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(2);

    private final ChildProcesses children;
    private final Duration killGrace;

    public AgentRunner(ChildProcesses children) {
        this(children, DEFAULT_KILL_GRACE);
    }

    /** @param killGrace how long an ended agent gets between the polite and the forced stop */
    public AgentRunner(ChildProcesses children, Duration killGrace) {
        this.children = Objects.requireNonNull(children, "children");
        this.killGrace = Objects.requireNonNull(killGrace, "killGrace");
    }

    /** What the follower does with each line of output. Called on the caller's thread, in order. */
    public interface Lines {
        /**
         * @param replayed whether an earlier follower already saw this line (an adoption re-reads
         *     the whole output to rebuild what it knew, but need not report it again)
         */
        void line(String line, boolean replayed);

        /** Everything up to {@code offset} bytes of the output has been handed over. */
        default void read(long offset) {}

        /** Lines to a parser that knows replayed lines from new ones, and the offsets to {@code read}. */
        static Lines of(java.util.function.BiConsumer<String, Boolean> parser, java.util.function.LongConsumer read) {
            return new Lines() {
                @Override
                public void line(String line, boolean replayed) {
                    parser.accept(line, replayed);
                }

                @Override
                public void read(long offset) {
                    read.accept(offset);
                }
            };
        }
    }

    /** The agent's raw output file, beside its log: {@code x.jsonl} → {@code x.out}. */
    public static Path outputOf(Path logFile) {
        return sibling(logFile, ".out");
    }

    /** The agent's prompt file, beside its log: {@code x.jsonl} → {@code x.prompt}. */
    public static Path inputOf(Path logFile) {
        return sibling(logFile, ".prompt");
    }

    /**
     * Starts the command as an agent and follows it to its end.
     *
     * @param token marks the process ({@value AgentProcess#TOKEN_VARIABLE}) so that it can be found
     *     even if its pid is never recorded
     * @param started told the process right after it started, before any output is read: the
     *     caller records it so that a later Orchestrator can adopt it
     * @throws CommandException when the program, its folder or its files cannot be used
     * @throws InterruptedException when the calling thread is interrupted: the agent's session has
     *     been ended first
     */
    public AgentExit run(Command command, String token, Consumer<AgentProcess> started, Lines lines)
            throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before starting " + command.display());
        }
        if (!Files.isDirectory(command.directory())) {
            throw new CommandException("cannot run " + command.program() + ": the folder " + command.directory()
                    + " does not exist. Create it, or run the command elsewhere.");
        }
        Path output = outputOf(command.logFile());
        Path input = inputOf(command.logFile());
        prepare(command, output, input);
        ProcessBuilder builder = new ProcessBuilder(command.arguments())
                .directory(command.directory().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(input.toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectErrorStream(true);
        builder.environment().keySet().removeAll(command.removedVariables());
        builder.environment().putAll(command.environment());
        builder.environment().put(AgentProcess.TOKEN_VARIABLE, token);
        long startedAt = System.nanoTime();
        Process process;
        try {
            process = children.startAgent(builder);
        } catch (IOException e) {
            throw CommandRunner.cannotStart(command, builder, e);
        } finally {
            // the child opened its standard input before it ran the program: the file can go
            deleteQuietly(input);
        }
        AgentProcess agent = AgentProcess.of(process.toHandle(), token, output);
        try {
            started.accept(agent);
            return follow(new Own(process), command, 0, lines, startedAt);
        } catch (RuntimeException e) {
            // nobody follows the agent any more: it must not go on working unwatched
            ProcessTree.killSession(process.toHandle(), killGrace);
            throw e;
        }
    }

    /**
     * Follows an agent an earlier Orchestrator started, whether it still runs or has ended, from the
     * start of its output to its end: lines up to {@code seenUpTo} bytes are handed over as
     * replayed, the rest as new. The readable log is written again from the start. The timeout
     * counts from the process's own start.
     *
     * @param command the call's command as it was started (its log file, timeout, stall window and
     *     line limit are used; nothing is run)
     * @throws InterruptedException when the calling thread is interrupted: the agent's session has
     *     been ended first
     */
    public AgentExit adopt(AgentProcess agent, Command command, long seenUpTo, Lines lines)
            throws InterruptedException {
        java.util.Optional<ProcessHandle> handle = agent.find();
        long startedAt = System.nanoTime()
                - agent.startedAt()
                        .map(at -> Duration.between(at, java.time.Instant.now()).toNanos())
                        .orElse(0L);
        Watched watched =
                handle.<Watched>map(h -> new Adopted(children.adopt(h))).orElseGet(() -> new Gone(agent.pid()));
        try {
            return follow(watched, command, seenUpTo, lines, startedAt);
        } finally {
            handle.ifPresent(children::release);
        }
    }

    // ---- following -----------------------------------------------------------------------------

    /** What is followed: the process whose end means the output is complete. */
    private sealed interface Watched {
        boolean running();

        OptionalInt exitCode();

        void end(Duration grace);

        /** The agent's session: its pid, which every process it started shares as session id; 0 if unknown. */
        long session();

        /** Ends what the agent left running in its session (a server started in the background, say). */
        default int endLeftovers(Duration grace) {
            List<ProcessHandle> left = session() > 0 ? ProcessTree.sessionMembers(session()) : List.of();
            return left.isEmpty() ? 0 : ProcessTree.kill(left, grace);
        }
    }

    /** A process this Orchestrator started: it can be waited for and has an exit code. */
    private record Own(Process process) implements Watched {
        @Override
        public boolean running() {
            return process.isAlive();
        }

        @Override
        public OptionalInt exitCode() {
            return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
        }

        @Override
        public void end(Duration grace) {
            ProcessTree.killSession(process.toHandle(), grace);
        }

        @Override
        public long session() {
            return process.pid();
        }
    }

    /** A process another Orchestrator started: only whether it still runs can be known. */
    private record Adopted(ProcessHandle handle) implements Watched {
        @Override
        public boolean running() {
            return ProcessTree.isRunning(handle);
        }

        @Override
        public OptionalInt exitCode() {
            return OptionalInt.empty();
        }

        @Override
        public void end(Duration grace) {
            ProcessTree.killSession(handle, grace);
        }

        @Override
        public long session() {
            return handle.pid();
        }
    }

    /** A process that had ended before anyone looked: its output is all there is. */
    private record Gone(long session) implements Watched {
        @Override
        public boolean running() {
            return false;
        }

        @Override
        public OptionalInt exitCode() {
            return OptionalInt.empty();
        }

        @Override
        public void end(Duration grace) {}
    }

    private enum End {
        EXITED,
        TIMED_OUT,
        STALLED
    }

    /**
     * Reads the output file as it grows until the process has ended and the file is read to its
     * end, or the timeout or stall window ends it. Polls: a few milliseconds after output, backing
     * off to {@value #MAX_PAUSE_NANOS} ns while the agent is quiet.
     */
    private AgentExit follow(Watched watched, Command command, long seenUpTo, Lines lines, long startedAt)
            throws InterruptedException {
        boolean seenRunning = watched.running();
        long followedFrom = System.nanoTime();
        Path output = outputOf(command.logFile());
        Splitter splitter = new Splitter(command, seenUpTo, lines);
        End end;
        try (Source source = new Source(output)) {
            long lastOutput = System.nanoTime();
            long pause = FIRST_PAUSE_NANOS;
            long deadline = startedAt + command.timeout().toNanos();
            long stall = command.stallTimeout().toNanos();
            while (true) {
                boolean read = source.drainInto(splitter);
                long now = System.nanoTime();
                if (read) {
                    lastOutput = now;
                    pause = FIRST_PAUSE_NANOS;
                } else if (!watched.running()) {
                    source.drainInto(splitter); // what it wrote before it went
                    end = End.EXITED;
                    break;
                }
                if (now - deadline >= 0) {
                    end = End.TIMED_OUT;
                    break;
                }
                if (stall > 0 && now - lastOutput >= stall) {
                    end = End.STALLED;
                    break;
                }
                try {
                    if (read) {
                        // an agent that never stops talking still hears a stop
                        if (Thread.interrupted()) {
                            throw new InterruptedException("interrupted while following " + command.program());
                        }
                        continue;
                    }
                    TimeUnit.NANOSECONDS.sleep(Math.min(pause, stall > 0 ? stall : pause));
                } catch (InterruptedException e) {
                    watched.end(killGrace);
                    source.drainInto(splitter);
                    splitter.finish();
                    throw e;
                }
                pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
            }
            if (end == End.EXITED) {
                int left = watched.endLeftovers(killGrace);
                if (left > 0) {
                    log.info("{} exited leaving {} process(es) in its session; ended them", command.display(), left);
                }
            } else {
                log.info(
                        "{} {}; ending it",
                        command.display(),
                        end == End.TIMED_OUT
                                ? "ran past its timeout of " + command.timeout()
                                : "printed nothing for " + command.stallTimeout());
                watched.end(killGrace);
                source.drainInto(splitter);
            }
        } finally {
            splitter.finish();
        }
        awaitReaped(watched);
        return new AgentExit(
                watched.exitCode(),
                end == End.TIMED_OUT,
                end == End.STALLED,
                seenRunning,
                Duration.ofNanos(System.nanoTime() - followedFrom),
                splitter.tail(),
                command.logFile());
    }

    /** Lets the JVM reap its own child, so its exit code is known (uninterruptibly, briefly). */
    private static void awaitReaped(Watched watched) {
        if (watched instanceof Own own) {
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        own.process().waitFor(5, TimeUnit.SECONDS);
                        return;
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
    }

    /**
     * The output file, read from where the last read stopped. java.io, not NIO: a channel would be
     * closed by an interrupt, and the follower reads once more after one.
     */
    private static final class Source implements AutoCloseable {
        private final Path file;
        private final byte[] buffer = new byte[64 * 1024];
        private RandomAccessFile in;
        private long position;

        Source(Path file) {
            this.file = file;
        }

        /** Hands over whatever was appended since the last call; whether there was anything. */
        boolean drainInto(Splitter splitter) {
            boolean any = false;
            try {
                if (in == null) {
                    if (!Files.exists(file)) {
                        return false;
                    }
                    in = new RandomAccessFile(file.toFile(), "r");
                }
                while (true) {
                    in.seek(position);
                    int n = in.read(buffer);
                    if (n <= 0) {
                        return any;
                    }
                    splitter.accept(buffer, n, position);
                    position += n;
                    any = true;
                }
            } catch (IOException e) {
                throw new CommandException("cannot read the agent's output " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    log.debug("closing {} failed: {}", file, e.toString());
                }
            }
        }
    }

    /**
     * Bytes to lines: each complete line (or piece of {@code maxLineChars} bytes) is written to the
     * readable log with secrets masked, handed to {@link Lines}, and kept in the tail.
     */
    private static final class Splitter {
        private final Lines lines;
        private final long seenUpTo;
        private final int maxLine;
        private final int tailLines;
        private final Path logFile;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final ArrayDeque<String> tail = new ArrayDeque<>();
        private Writer logWriter;
        private boolean logFailed;
        private long lineEnd;

        Splitter(Command command, long seenUpTo, Lines lines) {
            this.lines = lines;
            this.seenUpTo = seenUpTo;
            this.maxLine = command.maxLineChars();
            this.tailLines = command.tailLines();
            this.logFile = command.logFile();
        }

        void accept(byte[] bytes, int length, long offset) {
            for (int i = 0; i < length; i++) {
                byte b = bytes[i];
                if (b == '\n') {
                    lineEnd = offset + i + 1;
                    emit();
                } else {
                    line.write(b);
                    // cut long lines at a character boundary (not inside a UTF-8 sequence)
                    if (line.size() >= maxLine && (i + 1 >= length || (bytes[i + 1] & 0xC0) != 0x80)) {
                        lineEnd = offset + i + 1;
                        emit();
                    }
                }
            }
            lines.read(offset + length - line.size());
        }

        void finish() {
            if (line.size() > 0) {
                lineEnd += line.size();
                emit();
            }
            closeLog();
        }

        private void emit() {
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            writeToLog(text);
            lines.line(text, lineEnd <= seenUpTo);
            tail.addLast(text);
            while (tail.size() > tailLines) {
                tail.removeFirst();
            }
        }

        private void writeToLog(String text) {
            if (logFailed) {
                return;
            }
            try {
                if (logWriter == null) {
                    Path parent = logFile.toAbsolutePath().getParent();
                    if (parent != null) {
                        Files.createDirectories(parent);
                    }
                    // written again from the start by each follower: an adoption re-reads it all
                    logWriter = Files.newBufferedWriter(
                            logFile,
                            StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE);
                }
                logWriter.write(Redactor.redact(text));
                logWriter.write('\n');
                logWriter.flush();
            } catch (IOException e) {
                logFailed = true;
                log.warn("cannot write {}; the rest of this agent's output is not logged: {}", logFile, e.toString());
            }
        }

        private void closeLog() {
            if (logWriter != null) {
                try {
                    logWriter.close();
                } catch (IOException e) {
                    log.warn("cannot close {}: {}", logFile, e.toString());
                }
                logWriter = null;
            }
        }

        List<String> tail() {
            return List.copyOf(tail);
        }
    }

    // ---- files ---------------------------------------------------------------------------------

    /** The output file made anew and the prompt written, both readable by their owner only. */
    private static void prepare(Command command, Path output, Path input) {
        try {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.deleteIfExists(output);
            createPrivate(output);
            Files.deleteIfExists(input);
            createPrivate(input);
            Files.writeString(input, command.input().orElse(""), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CommandException(
                    "cannot run " + command.program() + ": its files beside " + command.logFile()
                            + " cannot be written (" + e.getMessage()
                            + "). Check that the folder is writable and has free space.",
                    e);
        }
    }

    private static void createPrivate(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            // made meanwhile by nobody but us; keep it
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.debug("cannot delete {}: {}", file, e.toString());
        }
    }

    private static Path sibling(Path logFile, String extension) {
        String name = logFile.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return logFile.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + extension);
    }
}
