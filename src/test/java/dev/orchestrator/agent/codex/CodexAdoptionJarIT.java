package dev.orchestrator.agent.codex;

import static dev.orchestrator.agent.fake.FakeResponsesApi.contract;
import static dev.orchestrator.agent.fake.FakeResponsesApi.exec;
import static dev.orchestrator.agent.fake.FakeResponsesApi.message;
import static dev.orchestrator.agent.fake.FakeResponsesApi.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchestrator.agent.AgentWatch;
import dev.orchestrator.agent.JarRun;
import dev.orchestrator.agent.fake.FakeResponsesApi;
import dev.orchestrator.agent.fake.FakeResponsesApi.Reply;
import dev.orchestrator.agent.fake.FakeResponsesApi.Request;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged jar SIGKILLed while the real Codex CLI works on a work item's developer call, whose
 * first reply the fake Responses API takes seconds to give; resumed at once, the jar follows the
 * agent to its end. The fake answers that call once, its tokens count once (Codex's running totals
 * taken from the thread's start), at no sampled moment do two calls work in one worktree, and the
 * item's own CODEX_HOME is gone once it merged.
 */
class CodexAdoptionJarIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration SLOW = Duration.ofSeconds(6);

    @RegisterExtension
    final FakeResponsesApi api = new FakeResponsesApi();

    @TempDir
    Path dir;

    private final AtomicInteger developerAsked = new AtomicInteger();

    @Test
    void sigkillMidCall_andResumeAtOnce_followsTheRunningCodex_whoseCallIsMadeOnceAndCountsOnce() throws Exception {
        Path home = home();
        Process first = JarRun.jar(
                        dir, home, "first.out", List.of("--autonomy", "full", "generate", "a tool that greets"))
                .start();
        await().atMost(Duration.ofSeconds(120)).until(() -> developerAsked.get() == 1 || !first.isAlive());
        Path workspace = JarRun.workspace(home);
        try (AgentWatch watch = new AgentWatch(workspace)) {
            first.destroyForcibly();
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(watch.anyRunning()).as("Codex outlives the killed jar").isTrue();

            Process second = JarRun.jar(dir, home, "second.out", List.of("--resume", "1"))
                    .start();
            assertThat(second.waitFor(180, TimeUnit.SECONDS))
                    .as("the resume finished")
                    .isTrue();
            String output = Files.readString(dir.resolve("second.out"));

            assertThat(second.exitValue()).as(output).isZero();
            assertThat(output)
                    .contains(
                            "1 agent kept working while Orchestrator was closed: W1 developer (still running, followed)")
                    .contains("W1 developer kept working while Orchestrator was closed; following it again")
                    .contains("project 1 completed");
            assertThat(watch.mostAtOnce()).as(watch.report()).isEqualTo(1);
        }
        assertThat(developerAsked)
                .as("W1's developer turn reached the API once")
                .hasValue(1);
        assertThat(workspace.resolve("hello.txt")).hasContent("hello");
        assertThat(workspace.resolve(".orchestrator/state/W1"))
                .as("the item's CODEX_HOME, once merged")
                .doesNotExist();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("orchestrator.db"));
                ResultSet rows = db.createStatement()
                        .executeQuery("SELECT s.status, s.adopted_how, s.input_tokens, s.output_tokens, s.log_file"
                                + " FROM agent_sessions s JOIN work_items w ON w.id = s.work_item_id"
                                + " WHERE w.item_key = 'W1' AND s.role = 'developer'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("completed");
            assertThat(rows.getString(2)).isEqualTo("followed");
            JsonNode usage = turnCompleted(Path.of(rows.getString(5))).path("usage");
            assertThat(rows.getLong(3))
                    .as("input tokens")
                    .isEqualTo(usage.path("input_tokens").asLong());
            assertThat(rows.getLong(4))
                    .as("output tokens")
                    .isEqualTo(usage.path("output_tokens").asLong());
            assertThat(rows.next()).as("one developer session for W1").isFalse();
        }
    }

    private static JsonNode turnCompleted(Path log) throws IOException {
        for (String line : Files.readAllLines(log).reversed()) {
            if (line.contains("\"type\":\"turn.completed\"")) {
                return JSON.readTree(line);
            }
        }
        throw new AssertionError("no turn.completed in " + log);
    }

    private Path home() throws IOException {
        Path codexHome = RealCodex.home(api);
        Path home = Files.createDirectories(dir.resolve("home"));
        StringBuilder env = new StringBuilder();
        RealCodex.env(codexHome)
                .forEach((key, value) -> env.append("    ")
                        .append(key)
                        .append(": ")
                        .append(value)
                        .append('\n'));
        Files.writeString(
                home.resolve("config.yaml"),
                "agent:\n  backend: codex\n  command: \"" + RealCodex.program() + "\"\n  model: gpt-5.5\n"
                        + "  prices:\n    gpt-5.5: {input: 1.25, cached_input: 0.125, output: 10.00}\n  env:\n" + env);
        api.answerWith(this::answer);
        return home;
    }

    private Reply answer(Request request) {
        String prompt = request.prompt();
        return switch (contract(prompt)) {
            case "requirements.v1" -> reply("""
                    {"contract":"requirements.v1","name":"Greeter","summary":"Writes a greeting.",
                     "features":[{"id":"F1","title":"Greeting","description":"hello.txt holds hello.","priority":"must"}],
                     "constraints":[],"questions":[]}""");
            case "architecture.v1" -> reply("""
                    {"contract":"architecture.v1","summary":"One text file.",
                     "stack":{"language":"text","frameworks":[],"storage":"none"},
                     "components":[{"name":"greeting","responsibility":"The greeting.","paths":["hello.txt"]}],
                     "commands":{"setup":"true","build":"true","test":"test -f hello.txt","run":"cat hello.txt"},
                     "questions":[]}""");
            case "work_plan.v1" -> reply("""
                    {"contract":"work_plan.v1","items":[{"key":"W1","title":"Write the greeting",
                     "description":"Create hello.txt holding hello.","acceptance":["hello.txt holds hello"],
                     "depends_on":[],"priority":1}]}""");
            case "dev_result.v1" -> develop(request, prompt.startsWith("# Scaffold"));
            case "review.v1" -> reply("""
                    {"contract":"review.v1","status":"pass","summary":"hello.txt is there.","findings":[]}""");
            default -> message("I was not asked for a contract I know.");
        };
    }

    /** The scaffold answers at once; W1's developer thinks for seconds, runs a command, then answers. */
    private Reply develop(Request request, boolean scaffold) {
        if (scaffold) {
            return reply("""
                    {"contract":"dev_result.v1","status":"done","summary":"Nothing to scaffold.","files":[],
                     "blocker":null}""");
        }
        if (request.toolOutputsThisTurn().isEmpty()) {
            developerAsked.incrementAndGet();
            try {
                Thread.sleep(SLOW);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return exec("printf hello > hello.txt");
        }
        return reply("""
                {"contract":"dev_result.v1","status":"done","summary":"Wrote hello.txt.","files":["hello.txt"],
                 "blocker":null}""");
    }
}
