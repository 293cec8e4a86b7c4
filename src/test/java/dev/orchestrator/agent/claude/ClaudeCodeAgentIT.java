package dev.orchestrator.agent.claude;

import static dev.orchestrator.agent.fake.FakeAnthropicApi.inOrder;
import static dev.orchestrator.agent.fake.FakeAnthropicApi.overloaded;
import static dev.orchestrator.agent.fake.FakeAnthropicApi.text;
import static dev.orchestrator.agent.fake.FakeAnthropicApi.toolUse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchestrator.agent.AgentResult;
import dev.orchestrator.agent.AgentResult.Outcome;
import dev.orchestrator.agent.AgentTask;
import dev.orchestrator.agent.ErrorClass;
import dev.orchestrator.agent.Role;
import dev.orchestrator.agent.Usage;
import dev.orchestrator.agent.fake.FakeAnthropicApi;
import dev.orchestrator.config.AgentBackend;
import dev.orchestrator.config.AgentConfig;
import dev.orchestrator.config.AgentTimeouts;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.process.ChildProcesses;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The real Claude Code CLI (pinned, from .tools/agents) against {@link FakeAnthropicApi}. */
class ClaudeCodeAgentIT {
    private static final String ANSWER = "Done.\n```json\n{\"contract\":\"dev_result.v1\",\"status\":\"done\"}\n```";

    @RegisterExtension
    final FakeAnthropicApi api = new FakeAnthropicApi();

    @TempDir
    Path dir;

    private final ChildProcesses processes = new ChildProcesses();
    private final RecordingListener listener = new RecordingListener();

    private Path work() throws Exception {
        return Files.createDirectories(dir.resolve("work"));
    }

    private ClaudeCodeAgent agent(int maxRetries) {
        return agent(RealClaude.program().toString(), RealClaude.env(api, dir, maxRetries));
    }

    private ClaudeCodeAgent agent(String command, Map<String, String> env) {
        return new ClaudeCodeAgent(
                new AgentConfig(
                        AgentBackend.CLAUDE_CODE,
                        Optional.of(command),
                        Optional.empty(),
                        Optional.empty(),
                        10,
                        env,
                        new AgentTimeouts(120),
                        Optional.empty(),
                        0,
                        Map.of()),
                processes);
    }

    private AgentTask task(String prompt, Optional<String> session, Duration stall) throws Exception {
        return new AgentTask(
                Role.DEVELOPER,
                PhaseName.IMPLEMENT,
                Optional.of("W1"),
                prompt,
                work(),
                Optional.of(Contract.DEV_RESULT),
                session,
                Duration.ofSeconds(90),
                stall,
                dir.resolve("logs/W1-developer.jsonl"));
    }

    private AgentResult run(ClaudeCodeAgent agent, String prompt) throws Exception {
        return agent.run(task(prompt, Optional.empty(), Duration.ofSeconds(60)), listener);
    }

    @Test
    void writesAFileWithItsOwnWriteTool_andAnswersWithSessionUsageAndCost() throws Exception {
        Path file = work().resolve("src/hello.txt");
        api.answer(inOrder(toolUse("Write", Map.of("file_path", file.toString(), "content", "hello\n")), text(ANSWER)));

        AgentResult result = run(agent(2), "Write src/hello.txt");

        assertThat(result.outcome()).isEqualTo(new Outcome.Success());
        assertThat(file).hasContent("hello");
        assertThat(result.text()).isEqualTo(ANSWER);
        assertThat(result.sessionId()).isPresent();
        assertThat(listener.sessions).containsExactly(result.sessionId().get());
        // two messages of 100 in and 20 out, at the default model's $5 and $25 per million tokens
        assertThat(result.usage()).isEqualTo(new Usage(200, 40, 0, 0, 2_000));
        assertThat(listener.usages.getLast()).isEqualTo(result.usage());
        assertThat(listener.activities).contains("Using Write.", "Write src/hello.txt");
        List<String> raw = Files.readAllLines(dir.resolve("logs/W1-developer.jsonl"));
        assertThat(raw.getFirst()).contains("\"subtype\":\"init\"");
        assertThat(raw.getLast()).contains("\"type\":\"result\"");
        FakeAnthropicApi.Request first = api.messages().getFirst();
        assertThat(first.system()).contains("run non-interactively by Orchestrator", "Do not commit");
        assertThat(first.json()
                        .path("tools")
                        .valueStream()
                        .map(t -> t.path("name").asString()))
                .containsExactlyInAnyOrder("Read", "Write", "Edit", "Glob", "Grep", "Bash");
    }

    @Test
    void continuedSession_isResumedWithTheEarlierMessages() throws Exception {
        api.answer(inOrder(text("first answer"), text("second answer")));
        ClaudeCodeAgent agent = agent(2);
        AgentResult first = run(agent, "first prompt");

        AgentResult second =
                agent.run(task("second prompt", first.sessionId(), Duration.ofSeconds(60)), new RecordingListener());

        assertThat(second.outcome()).isEqualTo(new Outcome.Success());
        assertThat(second.sessionId()).isEqualTo(first.sessionId());
        assertThat(second.text()).isEqualTo("second answer");
        assertThat(String.join("\n", api.messages().getLast().messageTexts()))
                .contains("first prompt", "first answer", "second prompt");
    }

    @Test
    void overloadedOnce_isRetriedByTheCliAndShownAsActivity() throws Exception {
        api.answer(inOrder(overloaded(), text(ANSWER)));

        AgentResult result = run(agent(2), "go");

        assertThat(result.outcome()).isEqualTo(new Outcome.Success());
        assertThat(listener.activities).anyMatch(line -> line.startsWith("API overloaded, retry 1/2 in 0."));
        assertThat(api.messages()).hasSize(2);
    }

    @Test
    void rateLimitedOnce_isRetriedAfterRetryAfter() throws Exception {
        api.answer(inOrder(FakeAnthropicApi.rateLimited(Duration.ofSeconds(1)), text(ANSWER)));

        AgentResult result = run(agent(2), "go");

        assertThat(result.outcome()).isEqualTo(new Outcome.Success());
        assertThat(listener.activities).contains("rate limited, retry 1/2 in 1.0 s");
    }

    @Test
    void overloadedForever_isAnOverloadedFailure() throws Exception {
        api.answer(request -> overloaded());

        AgentResult result = run(agent(1), "go");

        assertThat(((Outcome.Failure) result.outcome()).errorClass()).isEqualTo(ErrorClass.OVERLOADED);
        assertThat(api.messages()).hasSize(2);
    }

    @Test
    void silentStream_isEndedAtTheStallWindow_withItsProcessTree() throws Exception {
        api.answer(request -> FakeAnthropicApi.stall());
        long started = System.nanoTime();

        AgentResult result = agent(2).run(task("go", Optional.empty(), Duration.ofSeconds(2)), listener);

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        Outcome.Failure failure = (Outcome.Failure) result.outcome();
        assertThat(failure.errorClass()).isEqualTo(ErrorClass.STALL);
        assertThat(failure.message()).contains("printed nothing for 2 s");
        assertThat(took).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(20));
        assertThat(result.sessionId()).as("known from the init line").isPresent();
        assertThat(RealClaude.runningIn(work())).isEmpty();
        assertThat(processes.running()).isZero();
    }

    @Test
    void interruptingTheCaller_endsExactlyTheAgentsProcessTree() throws Exception {
        api.answer(inOrder(toolUse("Bash", Map.of("command", "sleep 120", "description", "wait")), text(ANSWER)));
        Process bystander =
                new ProcessBuilder("sleep", "120").directory(dir.toFile()).start();
        try {
            ClaudeCodeAgent agent = agent(2);
            AgentTask task = task("go", Optional.empty(), Duration.ofSeconds(60));
            Thread[] caller = new Thread[1];
            CompletableFuture<Throwable> ended = new CompletableFuture<>();
            caller[0] = Thread.ofPlatform().start(() -> {
                try {
                    agent.run(task, listener);
                    ended.complete(null);
                } catch (Throwable e) {
                    ended.complete(e);
                }
            });
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> RealClaude.runningIn(work()).stream()
                            .anyMatch(p -> p.info().command().orElse("").endsWith("sleep")));

            caller[0].interrupt();

            assertThat(ended.get()).isInstanceOf(InterruptedException.class);
            assertThat(RealClaude.runningIn(work())).isEmpty();
            assertThat(bystander.isAlive())
                    .as("a process that is not the agent's")
                    .isTrue();
            assertThat(listener.activities).contains("Bash: sleep 120");
        } finally {
            bystander.destroyForcibly();
        }
    }

    @Test
    void missingProgram_isAMissingBinaryWithTheInstallHint() throws Exception {
        ClaudeCodeAgent agent = agent(dir.resolve("none/claude").toString(), RealClaude.env(api, dir, 0));

        AgentResult result = run(agent, "go");

        Outcome.Failure failure = (Outcome.Failure) result.outcome();
        assertThat(failure.errorClass()).isEqualTo(ErrorClass.MISSING_BINARY);
        assertThat(failure.message()).contains("npm i -g @anthropic-ai/claude-code");
        assertThat(agent.unavailable().orElseThrow()).contains("not installed", "npm i -g @anthropic-ai/claude-code");
    }

    @Test
    void promptOverTheKernelsArgumentLimit_reachesTheModelWhole() throws Exception {
        // 200 KiB: over Linux's 128 KiB limit for one argument, so it can only travel on standard input
        String prompt = "-starts like an option; " + "0123456789abcdé\n".repeat(200 * 1024 / 17) + "the end";
        api.answer(inOrder(text(ANSWER)));

        AgentResult result = run(agent(0), prompt);

        assertThat(result.outcome()).isEqualTo(new Outcome.Success());
        assertThat(result.text()).isEqualTo(ANSWER);
        assertThat(prompt.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(200 * 1024);
        assertThat(api.messages().getFirst().lastMessageText()).contains(prompt);
    }

    @Test
    void installedWithAKey_isAvailableWithItsVersion() {
        var status = agent(0).status();

        assertThat(status.version()).contains("2.1.197");
        assertThat(status.problem()).isEmpty();
    }

    @Test
    void withoutCredentials_isUnavailableWithTheLoginFix() {
        Map<String, String> env = new HashMap<>(RealClaude.env(api, dir, 0));
        env.put("ANTHROPIC_API_KEY", "");

        var problem = agent(RealClaude.program().toString(), env).unavailable();

        assertThat(problem.orElseThrow()).contains("claude login", "ANTHROPIC_API_KEY");
    }

    @Test
    void rejectedKey_isAnAuthenticationFailureWithTheFix() throws Exception {
        api.answer(request -> FakeAnthropicApi.error(401, "authentication_error", "invalid x-api-key"));

        AgentResult result = run(agent(0), "go");

        Outcome.Failure failure = (Outcome.Failure) result.outcome();
        assertThat(failure.errorClass()).isEqualTo(ErrorClass.AUTHENTICATION);
        assertThat(failure.message()).contains("claude login", "ANTHROPIC_API_KEY");
    }

    @Test
    void writeOverAFileItDidNotRead_isRefusedAsAnActivity_notACrash() throws Exception {
        Path existing = Files.writeString(work().resolve("existing.txt"), "original\n");
        api.answer(inOrder(
                toolUse("Write", Map.of("file_path", existing.toString(), "content", "overwritten\n")), text(ANSWER)));

        AgentResult result = run(agent(2), "go");

        assertThat(result.outcome()).isEqualTo(new Outcome.Success());
        assertThat(listener.activities)
                .contains("Write refused: File has not been read yet. Read it first before writing to it.");
        assertThat(existing).hasContent("original");
    }
}
