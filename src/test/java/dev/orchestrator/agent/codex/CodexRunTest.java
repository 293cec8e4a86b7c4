package dev.orchestrator.agent.codex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.agent.AgentResult;
import dev.orchestrator.agent.AgentResult.Outcome.Failure;
import dev.orchestrator.agent.ErrorClass;
import dev.orchestrator.agent.RecordingListener;
import dev.orchestrator.agent.Usage;
import dev.orchestrator.process.AgentExit;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Replays recorded {@code codex exec --json} output (Codex 0.169.0, src/test/resources/agents/codex). */
class CodexRunTest {
    private static final Path WORK_DIR = Path.of("/work/research/codex/runs/golden-ws");
    private static final Pricing NO_PRICE = new Pricing(Optional.of("gpt-5.5"), Optional.empty());
    private static final Pricing GPT_55 = new Pricing(Optional.of("gpt-5.5"), Optional.of(RealCodex.PRICE));

    private final RecordingListener listener = new RecordingListener();
    private final List<String> activity = listener.activity;
    private final List<String> sessionIds = listener.sessionIds;
    private final List<Usage> usages = listener.usages;

    static List<String> transcript(String name) {
        try (InputStream in = CodexRunTest.class.getResourceAsStream("/agents/codex/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private AgentResult replay(List<String> lines, int exitCode, TokenTotals before, Pricing pricing) {
        CodexRun run = new CodexRun(listener, WORK_DIR, before, pricing);
        lines.forEach(run::accept);
        return run.result(
                new AgentExit(
                        OptionalInt.of(exitCode),
                        false,
                        false,
                        true,
                        Duration.ofSeconds(1),
                        lines,
                        Path.of("log.jsonl")),
                Duration.ofSeconds(30));
    }

    private static Failure failure(AgentResult result) {
        assertThat(result.outcome()).isInstanceOf(Failure.class);
        return (Failure) result.outcome();
    }

    @Test
    void goldenRun_givesTheLastMessageTheThreadAndTheActivity() {
        AgentResult result = replay(transcript("golden.jsonl"), 0, TokenTotals.ZERO, GPT_55);

        assertThat(result.succeeded()).isTrue();
        assertThat(result.text()).startsWith("Created `src/Hello.java`.").endsWith("```");
        assertThat(result.sessionId()).contains("01a2022e-68c4-7633-ba8f-42833e2e062a");
        assertThat(sessionIds).containsExactly("01a2022e-68c4-7633-ba8f-42833e2e062a");
        assertThat(activity)
                .containsExactly(
                        "Thinking: I will inspect the workspace, then add a file.",
                        "Creating the file now.",
                        "Bash: ls -la && echo ok",
                        "Write src/Hello.java",
                        "Created `src/Hello.java`.");
        // 2500 input × 1.25 + 150 output × 10 micro-dollars
        assertThat(result.usage()).isEqualTo(new Usage(2500, 150, 0, 0, 4625));
        assertThat(usages).containsExactly(result.usage());
    }

    @Test
    void failedCommandsAndFileChanges_areShownAsAPersonReadsThem() {
        replay(transcript("mixed.jsonl"), 0, TokenTotals.ZERO, GPT_55);

        assertThat(activity)
                .containsExactly(
                        "Bash: echo oops >&2; exit 3",
                        "Bash exited 3: echo oops >&2; exit 3",
                        "Write /work/research/codex/runs/mixed/ws/a.txt",
                        "Final.");
    }

    @Test
    void resumedThread_countsOnlyWhatThisCallAdded() {
        AgentResult first = replay(transcript("u1.jsonl"), 0, TokenTotals.ZERO, NO_PRICE);
        AgentResult second = replay(transcript("u2.jsonl"), 0, new TokenTotals(111, 0, 11), NO_PRICE);
        AgentResult third = replay(transcript("u3.jsonl"), 0, new TokenTotals(333, 0, 33), NO_PRICE);

        assertThat(first.usage().inputTokens()).isEqualTo(111);
        assertThat(second.usage().inputTokens()).isEqualTo(222);
        assertThat(second.usage().outputTokens()).isEqualTo(22);
        assertThat(third.usage().inputTokens()).isEqualTo(5400);
        assertThat(third.usage().outputTokens()).isEqualTo(54);
    }

    @Test
    void aModelMissingFromThePriceTable_costsNothing_andSaysSo() {
        AgentResult result = replay(transcript("golden.jsonl"), 0, TokenTotals.ZERO, NO_PRICE);

        assertThat(result.usage().costMicros()).isZero();
        assertThat(activity).contains("no price for model gpt-5.5 in agent.prices: its cost is counted as 0");
    }

    @Test
    void theModelMetadataWarning_isNotAFailure() {
        AgentResult result = replay(transcript("hello.jsonl"), 0, TokenTotals.ZERO, NO_PRICE);

        assertThat(result.succeeded()).isTrue();
        assertThat(result.text()).isEqualTo("Hello from fake.");
        assertThat(activity.getFirst()).startsWith("Codex warning: Model metadata for `fake-model` not found.");
    }

    @Test
    void truncatedGarbledAndUnknownLines_areIgnored() {
        List<String> lines = new ArrayList<>(transcript("hello.jsonl"));
        lines.add(2, "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_9\",\"type\":\"agent_mess");
        lines.add(2, "{\"type\":\"turn.reticulated\",\"splines\":3}");
        lines.add(2, "{\"type\":\"item.completed\",\"item\":{\"id\":\"x\",\"type\":\"hologram\",\"new\":1}}");
        lines.add(2, "WARNING: proceeding, even though we could not create PATH aliases");
        lines.add(2, "\u0000\u0001{{{ ]]");
        lines.add(2, "[1,2,3]");
        lines.add(2, "{\"type\":\"turn.completed\",\"usage\":\"lots\"}");

        AgentResult result = replay(lines, 0, TokenTotals.ZERO, NO_PRICE);

        assertThat(result.succeeded()).isTrue();
        assertThat(result.text()).isEqualTo("Hello from fake.");
        assertThat(result.usage().inputTokens()).isEqualTo(100);
    }

    @Test
    void reconnectingNotices_areActivity_notFailures() {
        AgentResult result = replay(transcript("e500.jsonl"), 0, TokenTotals.ZERO, NO_PRICE);

        assertThat(result.succeeded()).isTrue();
        assertThat(activity)
                .contains("API error, reconnecting 1/1 (We’re currently experiencing high demand, which may cause "
                        + "temporary errors.)");
    }

    @Test
    void aRateLimitedTurn_isARateLimitFailure() {
        Failure failure = failure(replay(transcript("e429.jsonl"), 1, TokenTotals.ZERO, NO_PRICE));

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.RATE_LIMIT);
        assertThat(failure.message()).contains("last status: 429");
    }

    @Test
    void aRejectedKey_isAnAuthenticationFailure_despiteThePortInTheUrl() {
        Failure failure = failure(replay(transcript("e401.jsonl"), 1, TokenTotals.ZERO, NO_PRICE));

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.AUTHENTICATION);
        assertThat(failure.message()).contains("codex login");
    }

    @Test
    void aFullContextWindow_isAContextOverflow() {
        assertThat(failure(replay(transcript("ctxlen.jsonl"), 1, TokenTotals.ZERO, NO_PRICE))
                        .errorClass())
                .isEqualTo(ErrorClass.CONTEXT_OVERFLOW);
    }

    @Test
    void anExitWithoutATurnResult_isACrashWithTheLastOutput() {
        List<String> lines = new ArrayList<>(transcript("sigterm.jsonl"));
        lines.addAll(transcript("badresume.stderr.txt"));

        Failure failure = failure(replay(lines, 1, TokenTotals.ZERO, NO_PRICE));

        assertThat(failure.errorClass()).isEqualTo(ErrorClass.CRASH);
        assertThat(failure.message())
                .contains("exited with code 1")
                .contains("no rollout found for thread id")
                .doesNotContain("turn.started");
    }

    @Test
    void stallAndTimeout_comeFromTheCommandResult() {
        CodexRun run = new CodexRun(listener, WORK_DIR, TokenTotals.ZERO, NO_PRICE);
        transcript("sigterm.jsonl").forEach(run::accept);

        AgentResult stalled = run.result(
                new AgentExit(OptionalInt.of(143), false, true, true, Duration.ofSeconds(2), List.of(), Path.of("l")),
                Duration.ofSeconds(2));
        AgentResult timedOut = run.result(
                new AgentExit(OptionalInt.of(143), true, false, true, Duration.ofSeconds(9), List.of(), Path.of("l")),
                Duration.ofSeconds(2));

        assertThat(failure(stalled).errorClass()).isEqualTo(ErrorClass.STALL);
        assertThat(stalled.sessionId()).contains("01a2022e-0473-7820-ba1a-bc5680109549");
        assertThat(failure(timedOut).errorClass()).isEqualTo(ErrorClass.TIMEOUT);
    }

    @Test
    void todoListsMcpCallsAndWebSearches_areShown() {
        replay(
                List.of(
                        "{\"type\":\"item.updated\",\"item\":{\"id\":\"t\",\"type\":\"todo_list\",\"items\":["
                                + "{\"text\":\"read\",\"completed\":true},{\"text\":\"write\",\"completed\":false}]}}",
                        "{\"type\":\"item.started\",\"item\":{\"id\":\"m\",\"type\":\"mcp_tool_call\","
                                + "\"server\":\"docs\",\"tool\":\"search\",\"status\":\"in_progress\"}}",
                        "{\"type\":\"item.completed\",\"item\":{\"id\":\"m\",\"type\":\"mcp_tool_call\","
                                + "\"server\":\"docs\",\"tool\":\"search\",\"status\":\"completed\"}}",
                        "{\"type\":\"item.completed\",\"item\":{\"id\":\"w\",\"type\":\"web_search\",\"query\":\"jdk 25\"}}"),
                0,
                TokenTotals.ZERO,
                NO_PRICE);

        assertThat(activity).containsExactly("Plan: 1/2 done, next: write", "MCP docs.search", "Web search: jdk 25");
    }

    @Test
    void commandsQuotedWithDoubleQuotes_areUnwrapped() {
        assertThat(CodexRun.unwrap("/bin/bash -lc \"printf 'hi' > \\\"a b\\\"\""))
                .isEqualTo("printf 'hi' > \"a b\"");
        assertThat(CodexRun.unwrap("/bin/bash -lc pwd")).isEqualTo("pwd");
        assertThat(CodexRun.unwrap("python3 x.py")).isEqualTo("python3 x.py");
    }

    @Test
    void failureMessages_areClassified_andRetryAfterIsRead() {
        Map<String, ErrorClass> expected = Map.of(
                "exceeded retry limit, last status: 429 Too Many Requests", ErrorClass.RATE_LIMIT,
                "unexpected status 503 Service Unavailable: upstream, url: http://127.0.0.1:4291/v1",
                        ErrorClass.OVERLOADED,
                "We’re currently experiencing high demand, which may cause temporary errors.", ErrorClass.OVERLOADED,
                "unexpected status 403 Forbidden: nope", ErrorClass.AUTHENTICATION,
                "Missing environment variable: `FAKE_API_KEY`.", ErrorClass.AUTHENTICATION,
                "{\"error\":{\"message\":\"Invalid value for tools\",\"type\":\"invalid_request_error\"}}",
                        ErrorClass.API_ERROR,
                "stream disconnected before completion: The model failed to respond again", ErrorClass.API_ERROR);
        expected.forEach((message, errorClass) -> assertThat(
                        CodexFailures.classify(message).errorClass())
                .as(message)
                .isEqualTo(errorClass));
        assertThat(CodexFailures.classify("Rate limit reached. Please try again in 20s.")
                        .retryAfter())
                .contains(Duration.ofSeconds(20));
        assertThat(CodexFailures.retryAfter("please try again in 1.5s")).contains(Duration.ofMillis(1500));
        assertThat(CodexFailures.retryAfter("try again in 250ms")).contains(Duration.ofMillis(250));
        assertThat(CodexFailures.retryAfter("retry after 2 minutes")).contains(Duration.ofMinutes(2));
        assertThat(CodexFailures.retryAfter("exceeded retry limit, last status: 429"))
                .isEmpty();
    }
}
