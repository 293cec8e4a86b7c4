package dev.orchestrator.agent.claude;

import static dev.orchestrator.agent.fake.FakeAnthropicApi.text;
import static dev.orchestrator.agent.fake.FakeAnthropicApi.toolUse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchestrator.agent.AgentWatch;
import dev.orchestrator.agent.JarRun;
import dev.orchestrator.agent.fake.FakeAnthropicApi;
import dev.orchestrator.agent.fake.FakeAnthropicApi.Reply;
import dev.orchestrator.agent.fake.FakeAnthropicApi.Request;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged jar SIGKILLed while the real Claude Code CLI works on a work item's developer call,
 * whose reply the fake API takes seconds to give: the agent outlives the jar, and the next start
 * adopts it, following it while it runs or harvesting its answer once it has ended. The fake
 * answers that developer call exactly once, the call is recorded and costs once, and at no sampled
 * moment do two agent calls work in one worktree.
 */
class ClaudeAdoptionJarIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration SLOW = Duration.ofSeconds(6);

    @RegisterExtension
    final FakeAnthropicApi api = new FakeAnthropicApi();

    @TempDir
    Path dir;

    /** W1's developer asked for its first turn (the slow one), and for its turn after the tool ran. */
    private final AtomicInteger developerAsked = new AtomicInteger();

    private final AtomicInteger developerAnswered = new AtomicInteger();

    @Test
    void sigkillMidCall_andResumeAtOnce_followsTheRunningAgent_whoseCallIsMadeOnceAndCostsOnce() throws Exception {
        Path home = home();
        Process first = JarRun.jar(
                        dir, home, "first.out", List.of("--autonomy", "full", "generate", "a file that says hi"))
                .start();
        await().atMost(Duration.ofSeconds(120)).until(() -> developerAsked.get() == 1 || !first.isAlive());
        try (AgentWatch watch = new AgentWatch(JarRun.workspace(home))) {
            first.destroyForcibly();
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(watch.anyRunning())
                    .as("the developer outlives the killed jar")
                    .isTrue();

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
                .as("W1's developer call reached the API once")
                .hasValue(1);
        assertThat(developerAnswered).as("and its turn after the tool once").hasValue(1);
        assertDeveloperRecordedOnce(home, "followed");
    }

    @Test
    void sigkillMidCall_andStartAfterTheAgentEnded_harvestsItsAnswerFromTheLog() throws Exception {
        Path home = home();
        Process first = JarRun.jar(
                        dir, home, "first.out", List.of("--autonomy", "full", "generate", "a file that says hi"))
                .start();
        await().atMost(Duration.ofSeconds(120)).until(() -> developerAsked.get() == 1 || !first.isAlive());
        try (AgentWatch watch = new AgentWatch(JarRun.workspace(home))) {
            first.destroyForcibly();
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> developerAnswered.get() == 1 && !watch.anyRunning());

            Process second = JarRun.jar(dir, home, "second.out", List.of("--resume", "1"))
                    .start();
            assertThat(second.waitFor(180, TimeUnit.SECONDS))
                    .as("the resume finished")
                    .isTrue();
            String output = Files.readString(dir.resolve("second.out"));

            assertThat(second.exitValue()).as(output).isZero();
            assertThat(output)
                    .contains("1 agent kept working while Orchestrator was closed: W1 developer (finished, adopted)")
                    .contains("W1 developer finished while Orchestrator was closed; reading its answer")
                    .contains("project 1 completed");
            assertThat(watch.mostAtOnce()).as(watch.report()).isLessThanOrEqualTo(1);
        }
        assertThat(developerAsked).hasValue(1);
        assertThat(developerAnswered).hasValue(1);
        assertDeveloperRecordedOnce(home, "harvested");
    }

    /**
     * W1's developer has one session row, completed and adopted as said, whose tokens and cost are
     * those of the result line its log ends with: counted once, not once per Orchestrator.
     */
    private void assertDeveloperRecordedOnce(Path home, String how) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("orchestrator.db"));
                ResultSet rows = db.createStatement()
                        .executeQuery("SELECT s.status, s.adopted_how, s.input_tokens, s.output_tokens,"
                                + " s.cost_micros, s.log_file FROM agent_sessions s JOIN work_items w"
                                + " ON w.id = s.work_item_id WHERE w.item_key = 'W1' AND s.role = 'developer'")) {
            List<String> statuses = new ArrayList<>();
            while (rows.next()) {
                statuses.add(rows.getString(1));
                assertThat(rows.getString(1)).isEqualTo("completed");
                assertThat(rows.getString(2)).isEqualTo(how);
                JsonNode result = resultLine(Path.of(rows.getString(6)));
                JsonNode usage = result.path("usage");
                assertThat(rows.getLong(3))
                        .as("input tokens, as the CLI's result counts them")
                        .isEqualTo(usage.path("input_tokens").asLong());
                assertThat(rows.getLong(4))
                        .isEqualTo(usage.path("output_tokens").asLong());
                assertThat(rows.getLong(5))
                        .as("cost in micro-dollars")
                        .isEqualTo(Math.round(result.path("total_cost_usd").asDouble() * 1_000_000));
            }
            assertThat(statuses).as("W1's developer sessions").hasSize(1);
        }
    }

    private static JsonNode resultLine(Path log) throws IOException {
        assertThat(log).exists();
        assertThat(Path.of(log.toString().replaceFirst("\\.jsonl$", ".out")))
                .as("the raw output is removed once the call is recorded")
                .doesNotExist();
        for (String line : Files.readAllLines(log).reversed()) {
            if (line.contains("\"type\":\"result\"")) {
                return JSON.readTree(line);
            }
        }
        throw new AssertionError("no result line in " + log);
    }

    /** A home whose config runs the real CLI against the fake, which answers W1's developer slowly. */
    private Path home() throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(
                home.resolve("config.yaml"),
                "agent:\n  backend: claude-code\n  command: \"" + RealClaude.program() + "\"\n  env:\n"
                        + ClaudeProjects.envYaml(api, dir));
        api.answer(answers());
        return home;
    }

    private Function<Request, Reply> answers() {
        Function<Request, Reply> usual = ClaudeProjects.answers();
        return request -> {
            boolean developer = ClaudeProjects.contract(request).equals("dev_result.v1")
                    && request.messageTexts().stream().anyMatch(t -> t.contains("# W1: "));
            if (developer && !request.answersTools()) {
                developerAsked.incrementAndGet();
                sleep(SLOW);
                return toolUse(
                        "Write",
                        Map.of(
                                "file_path",
                                ClaudeProjects.workingDirectory(request)
                                        .resolve("hello.txt")
                                        .toString(),
                                "content",
                                "hi\n"));
            }
            if (developer) {
                developerAnswered.incrementAndGet();
                return text("Done.\n```json\n" + ClaudeProjects.document("dev_result.v1") + "\n```");
            }
            return usual.apply(request);
        };
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
