package dev.orchestrator.agent.claude;

import static dev.orchestrator.agent.fake.FakeAnthropicApi.stall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchestrator.agent.fake.FakeAnthropicApi;
import dev.orchestrator.agent.fake.FakeAnthropicApi.Reply;
import dev.orchestrator.agent.fake.FakeAnthropicApi.Request;
import dev.orchestrator.pipeline.RunOutcome;
import dev.orchestrator.pipeline.Supervisor;
import dev.orchestrator.pipeline.TestEngine;
import dev.orchestrator.project.Project;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The engine's recovery around the real Claude Code CLI: a stall retried with a hint, a stop continued. */
class ClaudeRecoveryIT {
    @RegisterExtension
    final FakeAnthropicApi api = new FakeAnthropicApi();

    @TempDir
    Path home;

    /** The developer's first request for the work item (not the scaffold's, not a tool result). */
    private static boolean firstDeveloperRequest(Request request) {
        return ClaudeProjects.contract(request).equals("dev_result.v1")
                && request.lastMessageText().contains("Implement work item **W1")
                && !request.answersTools();
    }

    @Test
    void stalledAgent_isEndedAtTheStallWindow_andRetriedInItsSessionWithAHint() throws Exception {
        try (TestEngine t = ClaudeProjects.engine(
                home,
                api,
                Map.of(
                        "recovery.stall_seconds",
                        "3",
                        "recovery.backoff_seconds",
                        "0",
                        "recovery.backoff_max_seconds",
                        "0"))) {
            Project project = t.service.create("a file that says hi", "hello");
            Function<Request, Reply> valid = ClaudeProjects.answers();
            AtomicBoolean stalled = new AtomicBoolean();
            api.answer(request -> firstDeveloperRequest(request) && stalled.compareAndSet(false, true)
                    ? stall()
                    : valid.apply(request));

            RunOutcome outcome = ClaudeProjects.run(t, project);

            assertThat(outcome).as(String.join("\n", t.progress)).isEqualTo(RunOutcome.COMPLETED);
            assertThat(stalled).isTrue();
            assertThat(t.progress).anyMatch(line -> line.contains("failed (stall: ") && line.contains("retry 1/3"));
            List<Request> hinted = api.messages().stream()
                    .filter(r -> r.lastMessageText().contains("## Advice"))
                    .toList();
            assertThat(hinted).isNotEmpty();
            assertThat(hinted.getFirst().lastMessageText())
                    .contains("Never run a command that waits for input or serves forever");
            assertThat(project.workspace().resolve("hello.txt")).hasContent("hi");
            assertThat(RealClaude.runningIn(project.workspace())).isEmpty();
        }
    }

    @Test
    void stopDuringACall_killsTheAgent_andResumeContinuesItsSession() throws Exception {
        Project project;
        String sessionHeader;
        try (TestEngine t = ClaudeProjects.engine(home, api, Map.of("recovery.shutdown_grace_seconds", "1"))) {
            project = t.service.create("a file that says hi", "hello");
            Function<Request, Reply> valid = ClaudeProjects.answers();
            api.answer(request -> firstDeveloperRequest(request) ? stall() : valid.apply(request));
            var start = (Supervisor.Start.Started) t.engine.supervisor().start(project.id());
            CompletableFuture<RunOutcome> done = start.done();
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> api.messages().stream().anyMatch(ClaudeRecoveryIT::firstDeveloperRequest));
            sessionHeader = api.messages().stream()
                    .filter(ClaudeRecoveryIT::firstDeveloperRequest)
                    .findFirst()
                    .orElseThrow()
                    .headers()
                    .get("x-claude-code-session-id");

            t.engine.supervisor().stop(project.id(), "stopped by the test");

            assertThat(done.get(60, TimeUnit.SECONDS)).isEqualTo(RunOutcome.STOPPED);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> RealClaude.runningIn(project.workspace()).isEmpty());
        }
        try (TestEngine t = ClaudeProjects.engine(home, api, Map.of())) {
            api.answer(ClaudeProjects.answers());

            assertThat(ClaudeProjects.run(t, project))
                    .as(String.join("\n", t.progress))
                    .isEqualTo(RunOutcome.COMPLETED);

            Request continued = api.messages().stream()
                    .filter(r -> r.lastMessageText().contains("interrupted before it finished"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no request continued the interrupted session"));
            assertThat(continued.headers().get("x-claude-code-session-id")).isEqualTo(sessionHeader);
            assertThat(String.join("\n", continued.messageTexts()))
                    .as("the earlier conversation is sent again")
                    .contains("Implement work item **W1");
            assertThat(t.progress).anyMatch(line -> line.contains("continuing the agent's interrupted session"));
            assertThat(project.workspace().resolve("hello.txt")).hasContent("hi");
        }
    }
}
