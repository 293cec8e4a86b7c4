package dev.orchestrator.process;

import static dev.orchestrator.process.Processes.WAIT;
import static dev.orchestrator.process.Processes.firstLine;
import static dev.orchestrator.process.Processes.running;
import static dev.orchestrator.process.Processes.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChildProcessesTest {
    private final ChildProcesses children = new ChildProcesses();
    private final List<Long> pids = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        children.killAll(Duration.ZERO);
        pids.forEach(Processes::cleanUp);
    }

    /** Starts {@code sh} with a background sleep; returns the shell, noting both pids. */
    private Process startShellWithGrandchild() throws IOException {
        Process shell = children.start(new ProcessBuilder(sh("sleep 30 & echo $!; wait")));
        pids.add(shell.pid());
        pids.add(Long.parseLong(firstLine(shell).strip()));
        return shell;
    }

    @Test
    void startTool_waitsUntilFewerThanTheLimitRun() throws Exception {
        ChildProcesses limited = new ChildProcesses(1);
        Process first = limited.startTool(new ProcessBuilder(sh("sleep 30")));
        pids.add(first.pid());
        CompletableFuture<Process> second = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                second.complete(limited.startTool(new ProcessBuilder(sh("true"))));
            } catch (IOException | RuntimeException e) {
                second.completeExceptionally(e);
            }
        });

        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !second.isDone());
        first.destroyForcibly();

        assertThat(second.get(WAIT.toSeconds(), TimeUnit.SECONDS).waitFor()).isZero();
        limited.killAll(Duration.ZERO);
    }

    @Test
    void startTool_givesThePlaceBackWhenTheProcessCannotStart() throws Exception {
        ChildProcesses limited = new ChildProcesses(1);

        assertThatThrownBy(() -> limited.startTool(new ProcessBuilder("/nonexistent/tool")))
                .isInstanceOf(IOException.class);

        assertThat(limited.startTool(new ProcessBuilder(sh("true"))).waitFor()).isZero();
    }

    @Test
    void killAll_endsEveryProcessTreeAndCountsTheProcesses() throws IOException {
        startShellWithGrandchild();
        startShellWithGrandchild();
        assertThat(pids).allMatch(Processes::running);

        int killed = children.killAll(Duration.ofSeconds(2));

        assertThat(killed).isEqualTo(2);
        assertThat(pids).noneMatch(Processes::running);
        await().atMost(WAIT).until(() -> children.running() == 0);
    }

    @Test
    void killAll_forcesProcessesThatIgnoreThePoliteStop() throws IOException {
        // an ignored signal stays ignored in the children, so the sleeps ignore TERM too
        Process stubborn =
                children.start(new ProcessBuilder(sh("trap '' TERM; echo ready; while :; do sleep 0.05; done")));
        pids.add(stubborn.pid());
        assertThat(firstLine(stubborn)).isEqualTo("ready");

        long started = System.nanoTime();
        int killed = children.killAll(Duration.ofMillis(300));

        assertThat(killed).isEqualTo(1);
        assertThat(running(stubborn.pid())).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void start_forgetsProcessesThatEnded() throws IOException {
        children.start(new ProcessBuilder("true"));

        await().atMost(WAIT).until(() -> children.running() == 0);
        assertThat(children.killAll(Duration.ZERO)).isZero();
    }

    @Test
    void killAll_leavesTheRegistryUsable() throws IOException, InterruptedException {
        startShellWithGrandchild();
        children.killAll(Duration.ofSeconds(1));

        Process next = children.start(new ProcessBuilder("true"));

        assertThat(next.waitFor()).isZero();
    }

    @Test
    void shutdown_refusesNewProcesses() throws IOException {
        startShellWithGrandchild();

        assertThat(children.shutdown(Duration.ofSeconds(1))).isEqualTo(1);

        assertThatThrownBy(() -> children.start(new ProcessBuilder("sleep", "30")))
                .isInstanceOf(CommandException.class)
                .hasMessageContaining("shutting down")
                .hasMessageContaining("sleep");
        await().atMost(WAIT).until(() -> children.running() == 0);
    }
}
