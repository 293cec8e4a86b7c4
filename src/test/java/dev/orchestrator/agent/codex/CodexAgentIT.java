package dev.orchestrator.agent.codex;

import static dev.orchestrator.agent.fake.FakeResponsesApi.error;
import static dev.orchestrator.agent.fake.FakeResponsesApi.exec;
import static dev.orchestrator.agent.fake.FakeResponsesApi.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchestrator.agent.AgentResult;
import dev.orchestrator.agent.AgentResult.Outcome.Failure;
import dev.orchestrator.agent.AgentStatus;
import dev.orchestrator.agent.ErrorClass;
import dev.orchestrator.agent.RecordingListener;
import dev.orchestrator.agent.Role;
import dev.orchestrator.agent.Usage;
import dev.orchestrator.agent.fake.FakeResponsesApi;
import dev.orchestrator.process.ChildProcesses;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Codex runner driving the real, pinned Codex CLI against a fake Responses API. */
class CodexAgentIT {
    private static final Duration NO_STALL = Duration.ofSeconds(30);

    @RegisterExtension
    final FakeResponsesApi api = new FakeResponsesApi();

    @TempDir
    Path workDir;

    private final ChildProcesses processes = new ChildProcesses();
    private final RecordingListener listener = new RecordingListener();
    private final List<String> activity = listener.activity;
    private final List<String> sessionIds = listener.sessionIds;
    private final List<Usage> usages = listener.usages;

    @AfterEach
    void endLeftovers() {
        processes.killAll(Duration.ZERO);
    }

    private CodexAgent agent(Path home) {
        return new CodexAgent(RealCodex.config(RealCodex.program().toString(), home), processes);
    }

    @Test
    void writesAFileThroughItsOwnTool_andAnswersWithThreadUsageAndCost() throws Exception {
        Path home = RealCodex.home(api);
        api.enqueue(
                exec("printf 'hello from codex' > hello.txt").withUsage(1000, 400, 50),
                message("Wrote hello.txt.\n```json\n{\"status\":\"done\",\"files\":[\"hello.txt\"]}\n```")
                        .withUsage(2000, 1500, 100));
        CodexAgent agent = agent(home);
        assertThat(agent.unavailable()).isEmpty();
        AgentStatus status = agent.status();
        assertThat(status.version()).contains("0.169.0");
        assertThat(status.model()).contains("gpt-5.5");

        AgentResult result =
                agent.run(RealCodex.task(Role.DEVELOPER, "-- Write hello.txt", workDir, NO_STALL), listener);

        assertThat(result.succeeded()).as(result.outcome() + "\n" + activity).isTrue();
        assertThat(Files.readString(workDir.resolve("hello.txt"))).isEqualTo("hello from codex");
        assertThat(result.text()).contains("```json\n{\"status\":\"done\"");
        assertThat(result.sessionId()).isPresent();
        assertThat(sessionIds).containsExactly(result.sessionId().get());
        // 3000 input of which 1900 cached, 150 output: 1100 × 1.25 + 1900 × 0.125 + 150 × 10 micro-dollars
        assertThat(result.usage()).isEqualTo(new Usage(1100, 150, 1900, 0, 3113));
        assertThat(usages).containsExactly(result.usage());
        assertThat(activity).contains("Bash: printf 'hello from codex' > hello.txt");
        Path log = workDir.resolve(".orchestrator/logs/implement/W1-developer.jsonl");
        assertThat(Files.readAllLines(log))
                .anyMatch(line -> line.contains("\"thread.started\"")
                        && line.contains(result.sessionId().get()))
                .anyMatch(line -> line.contains("\"turn.completed\""));
        assertThat(api.requests().getFirst().header("authorization")).contains("Bearer " + FakeResponsesApi.API_KEY);
        assertThat(api.requests().getFirst().json().path("model").asString()).isEqualTo("gpt-5.5");
    }

    @Test
    void continuesASession_theFakeSeesTheEarlierHistory_andUsageIsPerCall() throws Exception {
        Path home = RealCodex.home(api);
        api.enqueue(
                message("First answer.").withUsage(100, 0, 10),
                message("Second answer.").withUsage(300, 0, 30),
                message("Third answer.").withUsage(500, 0, 50));
        AgentResult first =
                agent(home).run(RealCodex.task(Role.DEVELOPER, "first prompt", workDir, NO_STALL), listener);
        assertThat(first.succeeded()).as(first.outcome().toString()).isTrue();
        String thread = first.sessionId().orElseThrow();

        // a new runner knows nothing of the thread: it finds the earlier totals in Codex's session file
        CodexAgent restarted = agent(home);
        AgentResult second = restarted.run(
                RealCodex.task(Role.DEVELOPER, "", workDir, NO_STALL).continuing(Optional.of(thread), "-second prompt"),
                listener);
        AgentResult third = restarted.run(
                RealCodex.task(Role.DEVELOPER, "", workDir, NO_STALL).continuing(Optional.of(thread), "third prompt"),
                listener);

        assertThat(second.succeeded()).as(second.outcome().toString()).isTrue();
        assertThat(second.text()).isEqualTo("Second answer.");
        assertThat(second.sessionId()).contains(thread);
        FakeResponsesApi.Request resumed = api.requests().get(1);
        assertThat(resumed.userTexts()).contains("first prompt", "-second prompt");
        assertThat(resumed.json().toString()).contains("First answer.");
        assertThat(resumed.header("session-id")).contains(thread);
        assertThat(first.usage().inputTokens()).isEqualTo(100);
        assertThat(second.usage().inputTokens()).isEqualTo(300);
        assertThat(second.usage().outputTokens()).isEqualTo(30);
        assertThat(third.usage().inputTokens()).isEqualTo(500);
        assertThat(api.requests().get(2).userTexts()).contains("first prompt", "-second prompt", "third prompt");
    }

    @Test
    void promptsOverTheKernelsArgumentLimit_reachTheModelWhole_newAndResumed() throws Exception {
        // 200 KiB each: over Linux's 128 KiB limit for one argument, so only standard input can carry them
        String first = "-starts like an option; " + "0123456789abcdé\n".repeat(200 * 1024 / 17) + "first end";
        String second = "-- also; " + "fedcba9876543210\n".repeat(200 * 1024 / 17) + "second end";
        api.enqueue(
                message("First answer.").withUsage(100, 0, 10),
                message("Second answer.").withUsage(300, 0, 30));
        CodexAgent agent = agent(RealCodex.home(api));

        AgentResult started = agent.run(RealCodex.task(Role.DEVELOPER, first, workDir, NO_STALL), listener);
        AgentResult resumed = agent.run(
                RealCodex.task(Role.DEVELOPER, "", workDir, NO_STALL)
                        .continuing(Optional.of(started.sessionId().orElseThrow()), second),
                listener);

        assertThat(started.succeeded()).as(started.outcome() + "\n" + activity).isTrue();
        assertThat(resumed.succeeded()).as(resumed.outcome() + "\n" + activity).isTrue();
        assertThat(resumed.text()).isEqualTo("Second answer.");
        assertThat(first.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(200 * 1024);
        assertThat(api.requests().get(0).prompt()).isEqualTo(first);
        assertThat(api.requests().get(1).userTexts()).containsSubsequence(first, second);
    }

    @Test
    void aRateLimit_isARateLimitFailure() throws Exception {
        api.enqueue(error(429, "Rate limit reached for gpt-5.5. Please try again in 20s."));

        AgentResult result =
                agent(RealCodex.home(api)).run(RealCodex.task(Role.DEVELOPER, "hi", workDir, NO_STALL), listener);

        assertThat(result.outcome())
                .isInstanceOfSatisfying(
                        Failure.class,
                        failure -> assertThat(failure.errorClass())
                                .as(failure.message())
                                .isEqualTo(ErrorClass.RATE_LIMIT));
        assertThat(api.requests()).hasSize(1);
    }

    @Test
    void aStalledStream_isEndedAtTheStallWindow_withItsProcessTree() throws Exception {
        api.enqueue(new FakeResponsesApi.Stall(Duration.ofSeconds(60)));
        long started = System.nanoTime();

        AgentResult result = agent(RealCodex.home(api))
                .run(RealCodex.task(Role.DEVELOPER, "hi", workDir, Duration.ofMillis(1500)), listener);

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(result.outcome())
                .isInstanceOfSatisfying(
                        Failure.class,
                        failure -> assertThat(failure.errorClass()).isEqualTo(ErrorClass.STALL));
        assertThat(result.sessionId()).isPresent();
        assertThat(took).isLessThan(Duration.ofSeconds(8));
        assertThat(RealCodex.codexProcesses()).isEmpty();
    }

    @Test
    void interruptingTheCaller_endsExactlyTheAgentsProcessTree() throws Exception {
        api.enqueue(new FakeResponsesApi.Stall(Duration.ofSeconds(60)));
        Process bystander = new ProcessBuilder("sleep", "60").start();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                agent(RealCodex.home(api)).run(RealCodex.task(Role.DEVELOPER, "hi", workDir, NO_STALL), listener);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> !api.requests().isEmpty());
            List<ProcessHandle> tree = RealCodex.codexProcesses();
            assertThat(tree).isNotEmpty();

            caller.interrupt();
            caller.join(Duration.ofSeconds(10));

            assertThat(caller.isAlive()).isFalse();
            assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
            assertThat(tree).noneMatch(RealCodex::running);
            assertThat(bystander.isAlive()).isTrue();
        } finally {
            bystander.destroyForcibly();
        }
    }

    @Test
    void aMissingProgram_givesTheInstallHint() throws Exception {
        CodexAgent agent = new CodexAgent(
                RealCodex.config(workDir.resolve("no-such-codex").toString(), RealCodex.home(api)), processes);

        AgentResult result = agent.run(RealCodex.task(Role.DEVELOPER, "hi", workDir, NO_STALL), listener);

        assertThat(result.outcome()).isInstanceOfSatisfying(Failure.class, failure -> {
            assertThat(failure.errorClass()).isEqualTo(ErrorClass.MISSING_BINARY);
            assertThat(failure.message()).contains("npm i -g @openai/codex").contains("no-such-codex");
        });
        assertThat(agent.unavailable())
                .hasValueSatisfying(why -> assertThat(why).contains("npm i -g @openai/codex"));
    }

    @Test
    void aRejectedKey_isAnAuthenticationFailureWithTheFix() throws Exception {
        api.enqueue(error(401, "Incorrect API key provided"), error(401, "Incorrect API key provided"));

        AgentResult result =
                agent(RealCodex.home(api)).run(RealCodex.task(Role.DEVELOPER, "hi", workDir, NO_STALL), listener);

        assertThat(result.outcome()).isInstanceOfSatisfying(Failure.class, failure -> {
            assertThat(failure.errorClass()).as(failure.message()).isEqualTo(ErrorClass.AUTHENTICATION);
            assertThat(failure.message()).contains("codex login").contains("OPENAI_API_KEY");
        });
    }
}
