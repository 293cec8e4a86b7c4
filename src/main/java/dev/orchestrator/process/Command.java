package dev.orchestrator.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One program to run: its arguments (never a line for a shell, unless the caller passes
 * {@code ["/bin/sh", "-c", line]} itself), its folder and environment, where its output goes and
 * how long it may take.
 *
 * @param arguments the program, then its arguments
 * @param directory the folder it runs in
 * @param environment variables set on top of Orchestrator's own environment
 * @param removedVariables variables of Orchestrator's environment the command must not see
 * @param logFile every line of output is appended here (created, with its folders, if missing)
 * @param timeout when it is exceeded the whole process tree is ended
 * @param tailLines how many of the last lines the result keeps
 * @param stallTimeout when the command prints nothing for this long, its whole process tree is
 *     ended and the result says it stalled; zero for no such limit
 * @param maxLineChars longer lines are passed on in pieces of this many characters
 * @param input text written to the command's standard input (as UTF-8, then closed); without it,
 *     standard input is {@code /dev/null}. A prompt goes here rather than in an argument: Linux
 *     refuses a single argument over 128 KiB ({@code MAX_ARG_STRLEN}).
 */
public record Command(
        List<String> arguments,
        Path directory,
        Map<String, String> environment,
        Set<String> removedVariables,
        Path logFile,
        Duration timeout,
        int tailLines,
        Duration stallTimeout,
        int maxLineChars,
        Optional<String> input) {
    public static final int DEFAULT_TAIL_LINES = 200;
    public static final int DEFAULT_MAX_LINE_CHARS = 16_384;

    public Command {
        arguments = List.copyOf(arguments);
        if (arguments.isEmpty() || arguments.getFirst().isBlank()) {
            throw new IllegalArgumentException("a command needs a program to run");
        }
        Objects.requireNonNull(directory, "directory");
        environment = Map.copyOf(environment);
        removedVariables = Set.copyOf(removedVariables);
        Objects.requireNonNull(logFile, "logFile");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive, not " + timeout);
        }
        if (tailLines < 0) {
            throw new IllegalArgumentException("tailLines must be 0 or more, not " + tailLines);
        }
        if (stallTimeout.isNegative()) {
            throw new IllegalArgumentException(
                    "the stall timeout must be zero (none) or positive, not " + stallTimeout);
        }
        if (maxLineChars < 80) {
            throw new IllegalArgumentException("maxLineChars must be at least 80, not " + maxLineChars);
        }
        Objects.requireNonNull(input, "input");
    }

    /** A command with Orchestrator's environment as it is and a tail of {@value #DEFAULT_TAIL_LINES} lines. */
    public static Command of(List<String> arguments, Path directory, Path logFile, Duration timeout) {
        return new Command(
                arguments,
                directory,
                Map.of(),
                Set.of(),
                logFile,
                timeout,
                DEFAULT_TAIL_LINES,
                Duration.ZERO,
                DEFAULT_MAX_LINE_CHARS,
                Optional.empty());
    }

    /** This command with these variables set as well (later values win). */
    public Command withEnvironment(Map<String, String> variables) {
        Map<String, String> merged = new LinkedHashMap<>(environment);
        merged.putAll(variables);
        return new Command(
                arguments,
                directory,
                merged,
                removedVariables,
                logFile,
                timeout,
                tailLines,
                stallTimeout,
                maxLineChars,
                input);
    }

    /** This command without these variables of Orchestrator's environment. */
    public Command withoutVariables(Collection<String> names) {
        Set<String> removed = new LinkedHashSet<>(removedVariables);
        removed.addAll(names);
        return new Command(
                arguments,
                directory,
                environment,
                removed,
                logFile,
                timeout,
                tailLines,
                stallTimeout,
                maxLineChars,
                input);
    }

    public Command withTailLines(int lines) {
        return new Command(
                arguments,
                directory,
                environment,
                removedVariables,
                logFile,
                timeout,
                lines,
                stallTimeout,
                maxLineChars,
                input);
    }

    /** This command, ended (and reported as stalled) when it prints nothing for {@code window}. */
    public Command withStallTimeout(Duration window) {
        return new Command(
                arguments,
                directory,
                environment,
                removedVariables,
                logFile,
                timeout,
                tailLines,
                window,
                maxLineChars,
                input);
    }

    /** This command with lines up to {@code chars} long passed on whole (agents print long JSON lines). */
    public Command withMaxLineChars(int chars) {
        return new Command(
                arguments,
                directory,
                environment,
                removedVariables,
                logFile,
                timeout,
                tailLines,
                stallTimeout,
                chars,
                input);
    }

    /** This command with {@code text} written to its standard input, which is then closed. */
    public Command withInput(String text) {
        return new Command(
                arguments,
                directory,
                environment,
                removedVariables,
                logFile,
                timeout,
                tailLines,
                stallTimeout,
                maxLineChars,
                Optional.of(text));
    }

    /** The program: the first argument. */
    public String program() {
        return arguments.getFirst();
    }

    /**
     * The command as {@link #display()} shows it, with the size of its input rather than the input
     * itself (a prompt can be large and private).
     */
    @Override
    public String toString() {
        return "Command[" + display() + " in " + directory
                + input.map(text -> ", " + text.length() + " chars on standard input")
                        .orElse("") + "]";
    }

    /** The arguments as a person would type them, for messages (quoted where needed; not for a shell). */
    public String display() {
        return arguments.stream()
                .map(a -> a.isEmpty() || a.matches(".*[\\s'\"\\\\$`!*?;&|<>(){}].*")
                        ? "'" + a.replace("'", "'\\''") + "'"
                        : a)
                .collect(Collectors.joining(" "));
    }
}
