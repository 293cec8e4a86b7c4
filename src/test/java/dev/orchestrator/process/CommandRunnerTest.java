package dev.orchestrator.process;

import static dev.orchestrator.process.Processes.WAIT;
import static dev.orchestrator.process.Processes.awaitEnded;
import static dev.orchestrator.process.Processes.running;
import static dev.orchestrator.process.Processes.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandRunnerTest {
    @TempDir
    Path dir;

    private final ChildProcesses children = new ChildProcesses();
    private final CommandRunner runner = new CommandRunner(children, Duration.ofSeconds(1));
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<Long> pids = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        children.killAll(Duration.ZERO);
        pids.forEach(Processes::cleanUp);
    }

    private Command command(List<String> arguments) {
        return Command.of(arguments, dir, dir.resolve("logs/command.log"), Duration.ofSeconds(20));
    }

    private CommandResult run(Command command) throws InterruptedException {
        return runner.run(command, lines::add);
    }

    /** The pid the script printed first ({@code echo $!} after starting a background job). */
    private long firstPrintedPid() {
        await().atMost(WAIT).until(() -> !lines.isEmpty());
        long pid = Long.parseLong(lines.getFirst().strip());
        pids.add(pid);
        return pid;
    }

    @Test
    void run_reportsExitCodeAndMergedOutputToLogListenerAndTail() throws Exception {
        CommandResult result = run(command(sh("echo out; echo err >&2; exit 3")));

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.timedOut()).isFalse();
        assertThat(result.succeeded()).isFalse();
        assertThat(result.tail()).containsExactly("out", "err");
        assertThat(lines).containsExactly("out", "err");
        assertThat(result.logFile()).isEqualTo(dir.resolve("logs/command.log"));
        assertThat(Files.readAllLines(result.logFile())).containsExactly("out", "err");
        assertThat(result.duration()).isPositive();
    }

    @Test
    void run_keepsOnlyTheLastLinesAsTailButLogsThemAll() throws Exception {
        CommandResult result = run(command(List.of("seq", "1", "500")).withTailLines(200));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.tail()).hasSize(200).startsWith("301").endsWith("500");
        assertThat(Files.readAllLines(result.logFile())).hasSize(500);
        assertThat(lines).hasSize(500);
    }

    @Test
    void run_appendsToTheLogAcrossRuns() throws Exception {
        run(command(sh("echo first")));
        run(command(sh("printf 'second\\r\\nno newline at the end'")));

        assertThat(Files.readAllLines(dir.resolve("logs/command.log")))
                .containsExactly("first", "second", "no newline at the end");
    }

    @Test
    void run_setsExtraVariablesAndHidesRemovedOnes() throws Exception {
        Command command = command(sh("echo \"$EXTRA|${HOME:-no home}\""))
                .withEnvironment(Map.of("EXTRA", "set"))
                .withoutVariables(List.of("HOME"));

        assertThat(run(command).tail()).containsExactly("set|no home");
    }

    @Test
    void run_closesStandardInput() throws Exception {
        CommandResult result = run(command(sh("cat; echo \"read: $?\"")));

        assertThat(result.tail()).containsExactly("read: 0");
    }

    @Test
    void run_writesTheInputAsUtf8AndClosesIt() throws Exception {
        CommandResult result = run(command(sh("cat; echo \"read: $?\"")).withInput("hello\nwörld ✓\n"));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.tail()).containsExactly("hello", "wörld ✓", "read: 0");
    }

    @Test
    void run_writesAnInputOverAMebibyteWhole() throws Exception {
        String input = "0123456789abcdé\n".repeat(100_000);
        byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
        Path copy = dir.resolve("copy.txt");

        CommandResult result =
                run(command(sh("cat > " + copy + "; wc -c < " + copy)).withInput(input));

        assertThat(bytes.length).isGreaterThan(1024 * 1024);
        assertThat(result.succeeded()).isTrue();
        assertThat(result.tail()).containsExactly(Integer.toString(bytes.length));
        assertThat(Files.readAllBytes(copy)).isEqualTo(bytes);
    }

    @Test
    void run_aCommandThatIgnoresItsInput_neitherHangsNorFails() throws Exception {
        String input = "x".repeat(2 * 1024 * 1024);

        long started = System.nanoTime();
        CommandResult result = run(command(sh("echo done")).withInput(input));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.tail()).containsExactly("done");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void run_interruptWhileWritingTheInput_endsTheTreeAndThrows() throws Exception {
        // far more input than a pipe holds, to a command that never reads it: the writer is blocked
        assertInterruptEndsTheTreeAndThrows(
                command(sh("sleep 30 & echo $!; sleep 30")).withInput("x".repeat(4 * 1024 * 1024)));
    }

    @Test
    void run_timeoutWhileWritingTheInput_endsTheCommandAsTimedOut() throws Exception {
        Command command = Command.of(sh("sleep 30"), dir, dir.resolve("logs/command.log"), Duration.ofMillis(500))
                .withInput("x".repeat(4 * 1024 * 1024));

        long started = System.nanoTime();
        CommandResult result = run(command);

        assertThat(result.timedOut()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void run_runsInTheCommandsFolderAndPassesArgumentsUnchanged() throws Exception {
        Files.createDirectories(dir.resolve("work"));
        Command command = Command.of(
                List.of("/bin/sh", "-c", "pwd; printf '%s\\n' \"$1\"", "sh", "$HOME; rm -rf x"),
                dir.resolve("work"),
                dir.resolve("work.log"),
                Duration.ofSeconds(20));

        assertThat(run(command).tail())
                .containsExactly(dir.resolve("work").toRealPath().toString(), "$HOME; rm -rf x");
    }

    @Test
    void run_timeoutEndsTheWholeProcessTree() throws Exception {
        Command command =
                Command.of(sh("sleep 30 & echo $!; sleep 30"), dir, dir.resolve("slow.log"), Duration.ofMillis(500));

        long started = System.nanoTime();
        CommandResult result = run(command);

        assertThat(result.timedOut()).isTrue();
        assertThat(result.succeeded()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(running(firstPrintedPid())).isFalse();
        assertThat(children.running()).isZero();
    }

    @Test
    void run_masksSecretsInTheLogFile_butPassesLinesOnAsTheyAre() throws Exception {
        Command command = command(sh("echo ANTHROPIC_API_KEY=sk-ant-abcdefghijklmnop; echo plain line"));

        run(command);

        assertThat(Files.readString(command.logFile()))
                .doesNotContain("sk-ant-abcdefghijklmnop")
                .contains("ANTHROPIC_API_KEY=[REDACTED]", "plain line");
        assertThat(lines).contains("ANTHROPIC_API_KEY=sk-ant-abcdefghijklmnop");
    }

    @Test
    void toString_showsTheCommandButNotItsInput() {
        Command command = command(List.of("cat")).withInput("a secret prompt");

        assertThat(command.toString())
                .contains("cat", "15 chars on standard input")
                .doesNotContain("secret");
    }

    @Test
    void run_silenceForTheStallWindowEndsTheWholeTreeAsStalled() throws Exception {
        Command command = Command.of(
                        sh("sleep 30 & echo $!; sleep 30"), dir, dir.resolve("quiet.log"), Duration.ofSeconds(20))
                .withStallTimeout(Duration.ofMillis(600));

        long started = System.nanoTime();
        CommandResult result = run(command);

        assertThat(result.stalled()).isTrue();
        assertThat(result.timedOut()).isFalse();
        assertThat(result.succeeded()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(running(firstPrintedPid())).isFalse();
    }

    @Test
    void run_outputKeepsAStallWindowOpen() throws Exception {
        Command command = Command.of(
                        sh("for i in 1 2 3 4 5 6; do echo tick $i; sleep 0.2; done"),
                        dir,
                        dir.resolve("ticking.log"),
                        Duration.ofSeconds(20))
                .withStallTimeout(Duration.ofMillis(700));

        CommandResult result = run(command);

        assertThat(result.stalled()).isFalse();
        assertThat(result.succeeded()).isTrue();
        assertThat(result.tail()).hasSize(6);
    }

    @Test
    void run_passesLongLinesWholeUpToTheLineLimit() throws Exception {
        Command command =
                command(sh("head -c 100000 /dev/zero | tr '\\0' x; echo")).withMaxLineChars(1_000_000);

        CommandResult result = run(command);

        assertThat(result.tail()).hasSize(1);
        assertThat(result.tail().getFirst()).hasSize(100_000);
    }

    @Test
    void run_interruptEndsTheWholeProcessTreeAndThrows() throws Exception {
        assertInterruptEndsTheTreeAndThrows(command(sh("sleep 30 & echo $!; sleep 30")));
    }

    /** Runs a command that prints a grandchild's pid, interrupts the caller and checks what is left. */
    private void assertInterruptEndsTheTreeAndThrows(Command command) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                run(command);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        long grandchild = firstPrintedPid();

        long started = System.nanoTime();
        caller.interrupt();
        caller.join(WAIT);

        assertThat(caller.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(running(grandchild)).isFalse();
        await().atMost(WAIT).until(() -> children.running() == 0);
    }

    @Test
    void run_endsWhatTheCommandLeftRunningWhenItExits() throws Exception {
        CommandResult result = run(command(sh("sleep 30 & echo $!; sleep 0.5; echo done")));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.tail()).endsWith("done");
        awaitEnded(firstPrintedPid());
    }

    @Test
    void run_stopsReadingOutputHeldOpenByAnOrphanItNeverSaw() throws Exception {
        long started = System.nanoTime();
        CommandResult result = run(command(sh("sleep 30 & echo $!; echo started")));

        firstPrintedPid();
        assertThat(result.succeeded()).isTrue();
        assertThat(result.tail()).endsWith("started");
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isLessThan(Duration.ofSeconds(CommandRunner.DRAIN_SECONDS + 3));
    }

    @Test
    void run_keepsReadingWhenTheListenerFails() throws Exception {
        CommandResult result = runner.run(command(sh("echo one; echo two")), line -> {
            throw new IllegalStateException("listener bug");
        });

        assertThat(result.tail()).containsExactly("one", "two");
    }

    @Test
    void run_namesAProgramMissingFromThePath() {
        Command command =
                command(List.of("no-such-program-xyz", "--version")).withEnvironment(Map.of("PATH", "/nowhere"));

        assertThatThrownBy(() -> run(command))
                .isInstanceOf(CommandException.class)
                .hasMessageContaining("no-such-program-xyz")
                .hasMessageContaining("PATH=/nowhere");
    }

    @Test
    void run_namesAMissingOrNonExecutableFile() throws IOException {
        Path script = Files.writeString(dir.resolve("script.sh"), "echo hi\n");

        assertThatThrownBy(() -> run(command(List.of(dir.resolve("absent").toString()))))
                .isInstanceOf(CommandException.class)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> run(command(List.of(script.toString()))))
                .isInstanceOf(CommandException.class)
                .hasMessageContaining("not an executable file");
    }

    @Test
    void run_namesAMissingFolder() {
        Command command =
                Command.of(List.of("true"), dir.resolve("absent"), dir.resolve("x.log"), Duration.ofSeconds(5));

        assertThatThrownBy(() -> run(command))
                .isInstanceOf(CommandException.class)
                .hasMessageContaining(dir.resolve("absent").toString());
    }

    @Test
    void run_refusesToStartOnAnInterruptedThread() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> run(command(List.of("true")))).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
        assertThat(lines).isEmpty();
    }
}
