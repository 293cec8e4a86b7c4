package dev.orchestrator.process;

import static dev.orchestrator.process.Processes.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentRunnerTest {
    private final ChildProcesses children = new ChildProcesses();
    private final AgentRunner runner = new AgentRunner(children, Duration.ofMillis(500));

    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        children.killAll(Duration.ZERO);
    }

    private Command command(String script) {
        return Command.of(sh(script), dir, dir.resolve("logs/call-1.jsonl"), Duration.ofSeconds(30));
    }

    /** Records the lines as they come, and whether each was a replay. */
    private static final class Recorded implements AgentRunner.Lines {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final List<String> replayed = new CopyOnWriteArrayList<>();
        final AtomicLong offset = new AtomicLong();

        @Override
        public void line(String line, boolean replay) {
            (replay ? replayed : lines).add(line);
        }

        @Override
        public void read(long read) {
            offset.set(read);
        }
    }

    @Test
    void run_readsThePromptFromAFileAndFollowsTheOutputFile_inASessionOfItsOwn() throws Exception {
        Recorded lines = new Recorded();
        AtomicReference<AgentProcess> started = new AtomicReference<>();
        Command command = command("read prompt; echo \"got $prompt\"; cut -d' ' -f6 /proc/$$/stat; echo done >&2")
                .withInput("hello\n")
                .withEnvironment(java.util.Map.of("API_KEY", "sk-ant-api03-abcdefghijklmnopqrstuvwx"));

        AgentExit exit = runner.run(command, "token-1", started::set, lines);

        assertThat(exit.exitCode()).hasValue(0);
        assertThat(exit.seenRunning()).isTrue();
        assertThat(lines.lines)
                .containsExactly("got hello", Long.toString(started.get().pid()), "done");
        assertThat(lines.offset.get()).isEqualTo(Files.size(AgentRunner.outputOf(command.logFile())));
        assertThat(started.get().token()).isEqualTo("token-1");
        assertThat(started.get().startedAt()).isPresent();
        assertThat(AgentRunner.inputOf(command.logFile()))
                .as("the prompt file, once read")
                .doesNotExist();
        assertThat(Files.getPosixFilePermissions(AgentRunner.outputOf(command.logFile())))
                .containsOnly(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(command.logFile()).hasContent("got hello\n" + started.get().pid() + "\ndone");
    }

    @Test
    void run_masksSecretsInTheReadableLogButPassesTheRawLineOn() throws Exception {
        Recorded lines = new Recorded();
        String secret = "sk-ant-api03-" + "a".repeat(40);
        Command command = command("echo \"key " + secret + "\"");

        runner.run(command, "t", agent -> {}, lines);

        assertThat(lines.lines).containsExactly("key " + secret);
        assertThat(Files.readString(command.logFile())).doesNotContain(secret);
    }

    @Test
    void adopt_followsAProcessItDidNotStart_fromTheStartOfItsOutput_replayingWhatWasSeen() throws Exception {
        Command command = command("unused");
        Path output = AgentRunner.outputOf(command.logFile());
        Files.createDirectories(output.getParent());
        Path gate = dir.resolve("gate");
        ProcessBuilder builder = new ProcessBuilder(
                        sh("echo one; echo two; while [ ! -e " + gate + " ]; do sleep 0.05; done; echo three"))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectErrorStream(true);
        Process process = children.startAgent(builder);
        await().until(() -> Files.readString(output).contains("two"));
        AgentProcess agent = AgentProcess.of(process.toHandle(), "t", output);
        long seen = "one\n".length();
        Recorded lines = new Recorded();

        CompletableFuture<AgentExit> followed = CompletableFuture.supplyAsync(() -> {
            try {
                return runner.adopt(agent, command, seen, lines);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().until(() -> lines.lines.contains("two"));
        assertThat(followed).as("still following the live process").isNotDone();
        Files.createFile(gate);
        AgentExit exit = followed.get();

        assertThat(lines.replayed).containsExactly("one");
        assertThat(lines.lines).containsExactly("two", "three");
        assertThat(exit.seenRunning()).isTrue();
        assertThat(exit.exitCode()).as("only a parent learns it").isEmpty();
        assertThat(command.logFile()).hasContent("one\ntwo\nthree");
    }

    @Test
    void adopt_ofAProcessThatHasEnded_readsItsWholeOutputAndSaysItWasNotSeenRunning() throws Exception {
        Command command = command("unused");
        Path output = AgentRunner.outputOf(command.logFile());
        Files.createDirectories(output.getParent());
        Files.writeString(output, "first\nlast line without newline");
        AgentProcess gone = new AgentProcess(0, Optional.empty(), Optional.empty(), "nobody-has-this-token", output);
        Recorded lines = new Recorded();

        AgentExit exit = runner.adopt(gone, command, 0, lines);

        assertThat(exit.seenRunning()).isFalse();
        assertThat(lines.lines).containsExactly("first", "last line without newline");
    }

    @Test
    void find_refusesAPidThatStartedAtAnotherMoment() throws Exception {
        Process process = children.startAgent(new ProcessBuilder(sh("sleep 30")));
        AgentProcess recorded = AgentProcess.of(process.toHandle(), "t", dir.resolve("out"));
        AgentProcess reused = new AgentProcess(
                process.pid(),
                recorded.startedAt().map(at -> at.minusSeconds(60)),
                recorded.identity().map(id -> id.replaceFirst("/\\d+$", "/1")),
                "t",
                dir.resolve("out"));
        AgentProcess clockStepped = new AgentProcess(
                process.pid(),
                recorded.startedAt().map(at -> at.minusSeconds(3600)),
                recorded.identity(),
                "t",
                dir.resolve("out"));

        assertThat(recorded.identity())
                .as("the boot and the clock tick it started at")
                .isPresent();
        assertThat(recorded.running()).isTrue();
        assertThat(reused.running()).as("the same pid, another process").isFalse();
        assertThat(clockStepped.running())
                .as("the wall clock stepped since (NTP, a resumed VM): still the same process")
                .isTrue();
    }

    @Test
    void find_byToken_whenNoPidWasRecorded() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(sh("sleep 30"));
        builder.environment().put(AgentProcess.TOKEN_VARIABLE, "call-token-42");
        Process process = children.startAgent(builder);
        AgentProcess unrecorded =
                new AgentProcess(0, Optional.empty(), Optional.empty(), "call-token-42", dir.resolve("out"));

        // the environment is the program's once setsid has run it (a moment after the start)
        await().until(() -> unrecorded.find().isPresent());
        assertThat(unrecorded.find()).map(ProcessHandle::pid).hasValue(process.pid());
    }

    @Test
    void interrupt_endsTheAgentsWholeSession_evenAGrandchildThatLeftItsParent() throws Exception {
        Path grandchild = dir.resolve("grandchild.pid");
        Command command = command("(sleep 60 & echo $! > " + grandchild + ") ; echo started; sleep 60");
        Recorded lines = new Recorded();
        Thread thread = Thread.ofVirtual().start(() -> {
            try {
                runner.run(command, "t", agent -> {}, lines);
            } catch (InterruptedException e) {
                lines.lines.add("interrupted");
            }
        });
        await().until(() -> lines.lines.contains("started") && Files.exists(grandchild));
        long orphan = Long.parseLong(Files.readString(grandchild).strip());

        thread.interrupt();
        thread.join(Duration.ofSeconds(10));

        assertThat(lines.lines).contains("interrupted");
        Processes.awaitEnded(orphan);
    }

    @Test
    void stall_endsASilentAgent() throws Exception {
        Command command = command("echo hi; sleep 60").withStallTimeout(Duration.ofMillis(300));

        AgentExit exit = runner.run(command, "t", agent -> {}, new Recorded());

        assertThat(exit.stalled()).isTrue();
    }

    @Test
    void shutdown_leavesAgentsRunning_butKillAllEndsThem() throws Exception {
        ChildProcesses own = new ChildProcesses();
        Process agent = own.startAgent(new ProcessBuilder(sh("sleep 30")));
        Process command = own.start(new ProcessBuilder(sh("sleep 30")));

        own.shutdown(Duration.ZERO);

        Processes.awaitEnded(command.pid());
        assertThat(agent.isAlive())
                .as("an agent outlives a shutdown; the next start adopts it")
                .isTrue();
        own.killAll(Duration.ZERO);
        Processes.awaitEnded(agent.pid());
    }
}
