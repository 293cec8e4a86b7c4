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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person at a real terminal (tmux), with the real Claude Code CLI whose developer calls the fake
 * API answers after seconds: the keys keep their meaning while agents work. One Ctrl+C at the
 * prompt explains and harms no agent; Ctrl+C in a batch run stops gracefully in five steps and
 * exits 130; {@code /detach} leaves the agents at work and the next start adopts them.
 */
class ClaudeTerminalIT {
    private static final Pattern ITEM = Pattern.compile("(?m)^# (W\\d+): ");
    /** How long the fake takes over a developer's first turn. */
    private Duration slow = Duration.ofSeconds(7);

    private static final Duration LONG = Duration.ofSeconds(150);

    @RegisterExtension
    final FakeAnthropicApi api = new FakeAnthropicApi();

    @TempDir
    Path dir;

    /** Per item: how often its developer's first turn (the slow one) and its turn after the tool were asked. */
    private final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();

    private final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();

    @Test
    void oneCtrlC_atThePromptWhileAnAgentWorks_explains_andTheCallEndsNormallyRecordedOnce() throws Exception {
        Path home = home(List.of("W1"));
        try (Tmux terminal = new Tmux(java("--autonomy", "full") + "; echo EXIT=$?", dir, environment(home))) {
            terminal.await("Type an idea", LONG)
                    .type("a file that says hi")
                    .await("Name:", LONG)
                    .press("Enter");
            awaitAsked("W1");

            terminal.press("C-c");

            terminal.await("1 project is running. Ctrl+C again within 2 seconds stops them gracefully", LONG);
            terminal.await("project 1 completed", LONG);
            terminal.type("/quit").await("EXIT=0", LONG);
            assertThat(terminal.screen()).doesNotContain("crash", "retry 1/");
        }
        assertThat(count(asked, "W1")).as("W1's developer was asked once").isEqualTo(1);
        assertThat(count(answered, "W1")).isEqualTo(1);
        assertThat(statuses(home)).as("every agent call of the project").containsOnly("completed");
    }

    @Test
    void ctrlC_inABatchRun_stopsGracefullyInFiveSteps_exits130_andResumeCarriesOn() throws Exception {
        Path home = home(List.of("W1"));
        try (Tmux terminal = new Tmux(
                java("--autonomy", "full", "generate", "a file that says hi") + "; echo EXIT=$?",
                dir,
                environment(home))) {
            awaitAsked("W1");

            terminal.press("C-c");

            terminal.await("EXIT=", LONG);
            assertThat(terminal.screen())
                    .contains("Ctrl+C: stopping gracefully")
                    .contains("1. no new work starts: stopping 1 project (1)")
                    .contains("2. 1 agent is at work; waiting up to 30 s for each to reach a safe point")
                    .contains("3. every project reached a safe point; no agent was cut off")
                    .contains("4. state saved")
                    .contains("5. to carry on: orchestrator --resume 1")
                    .contains("EXIT=130");
        }
        assertThat(statuses(home))
                .as("the developer's call finished and was recorded")
                .containsOnly("completed");
        Process resume =
                JarRun.jar(dir, home, "resume.out", List.of("--resume", "1")).start();
        assertThat(resume.waitFor(180, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(dir.resolve("resume.out"));
        assertThat(resume.exitValue()).as(output).isZero();
        assertThat(output).contains("project 1 completed");
        assertThat(count(asked, "W1")).as("the finished call is not made again").isEqualTo(1);
        assertThat(statuses(home)).containsOnly("completed");
    }

    @Test
    void detach_withTwoAgentsWorking_leavesThemAtWork_andTheNextStartAdoptsBoth() throws Exception {
        // long enough for a second start (seconds on a busy machine) and a /status while they work
        slow = Duration.ofSeconds(20);
        Path home = home(List.of("W1", "W2"));
        try (AgentWatch watch = new AgentWatch(dir)) {
            try (Tmux terminal = new Tmux(java("--autonomy", "full") + "; echo EXIT=$?", dir, environment(home))) {
                terminal.await("Type an idea", LONG)
                        .type("two files that say hi")
                        .await("Name:", LONG)
                        .press("Enter");
                awaitAsked("W1");
                awaitAsked("W2");

                terminal.type("/detach");

                terminal.await("EXIT=0", LONG);
                assertThat(terminal.screen())
                        .containsPattern("Detached: 2 agents keep working \\((W1 developer, W2 developer|W2 developer,"
                                + " W1 developer)\\); the next start of Orchestrator adopts them");
            }
            assertThat(watch.now())
                    .as("both developers work on after the detach")
                    .hasSize(2);
            try (Tmux terminal = new Tmux(java("--autonomy", "full") + "; echo EXIT=$?", dir, environment(home))) {
                terminal.await("2 agents kept working while Orchestrator was closed: ", LONG);
                assertThat(terminal.screen())
                        .contains("W1 developer (still running, followed)")
                        .contains("W2 developer (still running, followed)");
                // the run marks its adoptions a moment after it starts: ask until /status shows them
                await().atMost(LONG).pollInterval(Duration.ofSeconds(2)).until(() -> {
                    terminal.type("/status 1");
                    return terminal.screen().contains("adopted from an earlier Orchestrator (followed)");
                });
                terminal.await("project 1 completed", LONG);
                terminal.type("/quit").await("EXIT=0", LONG);
            }
            assertThat(watch.mostAtOnce()).as(watch.report()).isEqualTo(1);
        }
        assertThat(count(asked, "W1")).isEqualTo(1);
        assertThat(count(asked, "W2")).isEqualTo(1);
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("orchestrator.db"));
                ResultSet rows = db.createStatement()
                        .executeQuery("SELECT w.item_key, s.status, s.adopted_how FROM agent_sessions s JOIN"
                                + " work_items w ON w.id = s.work_item_id WHERE s.role = 'developer' ORDER BY 1")) {
            List<String> developers = new ArrayList<>();
            while (rows.next()) {
                developers.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3));
            }
            assertThat(developers).containsExactly("W1 completed followed", "W2 completed followed");
        }
    }

    private void awaitAsked(String key) {
        await().atMost(LONG).until(() -> count(asked, key) >= 1);
    }

    private static int count(Map<String, AtomicInteger> counts, String key) {
        return counts.getOrDefault(key, new AtomicInteger()).get();
    }

    /** The status of every agent call recorded for the project. */
    private static List<String> statuses(Path home) throws Exception {
        List<String> statuses = new ArrayList<>();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("orchestrator.db"));
                ResultSet rows = db.createStatement().executeQuery("SELECT status FROM agent_sessions")) {
            while (rows.next()) {
                statuses.add(rows.getString(1));
            }
        }
        return statuses;
    }

    /** A home whose config runs the real CLI against the fake, planning {@code items}, each developed slowly. */
    private Path home(List<String> items) throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(
                home.resolve("config.yaml"),
                "agent:\n  backend: claude-code\n  command: \"" + RealClaude.program() + "\"\n  env:\n"
                        + ClaudeProjects.envYaml(api, dir));
        api.answer(answers(items));
        return home;
    }

    private Function<Request, Reply> answers(List<String> items) {
        Function<Request, Reply> usual = ClaudeProjects.answers();
        return request -> {
            String contract = ClaudeProjects.contract(request);
            Matcher item = ITEM.matcher(String.join("\n", request.messageTexts()));
            if (contract.equals("work_plan.v1")) {
                return text("The plan.\n```json\n" + plan(items) + "\n```");
            }
            if (contract.equals("architecture.v1")) {
                return text("The architecture.\n```json\n"
                        + ClaudeProjects.document(contract).replace("test -f hello.txt", "true") + "\n```");
            }
            if (contract.equals("dev_result.v1") && item.find()) {
                String key = item.group(1);
                if (!request.answersTools()) {
                    asked.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                    sleep(slow);
                    return toolUse(
                            "Write",
                            Map.of(
                                    "file_path",
                                    ClaudeProjects.workingDirectory(request)
                                            .resolve(key + ".txt")
                                            .toString(),
                                    "content",
                                    "hi\n"));
                }
                answered.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                return text("Done.\n```json\n{\"contract\":\"dev_result.v1\",\"status\":\"done\",\"summary\":"
                        + "\"Wrote it.\",\"files\":[\"" + key + ".txt\"],\"blocker\":null}\n```");
            }
            return usual.apply(request);
        };
    }

    private static String plan(List<String> items) {
        StringBuilder json = new StringBuilder();
        for (String key : items) {
            json.append(json.isEmpty() ? "" : ",")
                    .append("{\"key\":\"")
                    .append(key)
                    .append("\",\"title\":\"Write ")
                    .append(key)
                    .append(".txt\",\"description\":\"Create it.\",\"acceptance\":[\"it exists\"],"
                            + "\"depends_on\":[],\"priority\":1}");
        }
        return "{\"contract\":\"work_plan.v1\",\"items\":[" + json + "]}";
    }

    private static Map<String, String> environment(Path home) {
        return Map.of("ORCHESTRATOR_HOME", home.toString(), "TERM", "xterm-256color", "COLUMNS", "200");
    }

    /** The command line that starts the packaged jar with these arguments. */
    private static String java(String... args) {
        List<String> words = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of(System.getProperty("orchestrator.jar", "target/orchestrator.jar"))
                        .toAbsolutePath()
                        .toString()));
        words.addAll(List.of(args));
        return String.join(
                " ",
                words.stream().map(w -> "'" + w.replace("'", "'\\''") + "'").toList());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
