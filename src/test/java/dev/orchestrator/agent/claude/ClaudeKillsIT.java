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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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
 * The packaged jar SIGKILLed at random moments of a whole project through the real Claude Code
 * CLI, whose every reply the fake API gives after a random pause, and started again each time, at
 * once or once its agents have ended: no finished agent call is ever made again. A call's first
 * turn (a request with no earlier messages) reaches the fake once per call; a call continued after
 * an interruption continues its session, which is no new first turn.
 *
 * <p>{@code -Dkills.count=N} (default 4; {@code scripts/bench-adoption} runs 20) and {@code
 * -Dkills.seed=S} choose the run, {@code -Dkills.jar=PATH} another build of the jar (for a before
 * figure); the figures go to {@code target/kills-<seed>.txt}.
 */
class ClaudeKillsIT {
    private static final Pattern ITEM = Pattern.compile("(?m)^# (?:Review )?(W\\d+): ");

    @RegisterExtension
    final FakeAnthropicApi api = new FakeAnthropicApi();

    @TempDir
    Path dir;

    /** First turns per call: contract and item. */
    private final Map<String, AtomicInteger> firstTurns = new ConcurrentHashMap<>();

    private Random random;

    @Test
    void randomSigkills_thenResume_repeatNoFinishedAgentCall() throws Exception {
        int kills = Integer.getInteger("kills.count", 4);
        long seed = Long.getLong("kills.seed", System.nanoTime());
        random = new Random(seed);
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(
                home.resolve("config.yaml"),
                "agent:\n  backend: claude-code\n  command: \"" + RealClaude.program() + "\"\n  env:\n"
                        + ClaudeProjects.envYaml(api, dir));
        api.answer(answers());
        List<String> log = new ArrayList<>();
        List<Integer> exits = new ArrayList<>();
        int killed = 0;
        int runs = 0;
        int project = 0;
        try (AgentWatch watch = new AgentWatch(dir)) {
            // project after project (each a few minutes of agent work), until the kills are done
            while (killed < kills) {
                project++;
                boolean fresh = true;
                while (true) {
                    List<String> args = fresh
                            ? List.of("--autonomy", "full", "generate", "two files that say hi, batch " + project)
                            : List.of("--autonomy", "full", "--resume", Integer.toString(project));
                    String out = "run-" + (++runs) + ".out";
                    Process jar = JarRun.jar(System.getProperty("kills.jar", JarRun.jarFile()), dir, home, out, args)
                            .start();
                    if (killed == kills) {
                        assertThat(jar.waitFor(240, TimeUnit.SECONDS)).isTrue();
                        exits.add(jar.exitValue());
                        log.add("project " + project + ", run " + runs + ": to the end, exit " + jar.exitValue()
                                + (jar.exitValue() == 0 ? "" : "\n" + Files.readString(dir.resolve(out))));
                        break;
                    }
                    if (fresh) {
                        // the kills are about agent calls: the first one comes once the project exists
                        int id = project;
                        await().atMost(Duration.ofSeconds(60))
                                .until(() -> !jar.isAlive()
                                        || Files.exists(dir.resolve(out))
                                                && Files.readString(dir.resolve(out))
                                                        .contains("created project " + id));
                        fresh = false;
                    }
                    long killAfter = 1_000 + random.nextInt(6_000);
                    if (jar.waitFor(killAfter, TimeUnit.MILLISECONDS)) {
                        exits.add(jar.exitValue());
                        log.add("project " + project + ", run " + runs + ": ended by itself (exit "
                                + jar.exitValue() + ") before the kill at " + killAfter + " ms"
                                + (jar.exitValue() == 0 ? "" : "\n" + Files.readString(dir.resolve(out))));
                        break;
                    }
                    jar.destroyForcibly();
                    assertThat(jar.waitFor(10, TimeUnit.SECONDS)).isTrue();
                    killed++;
                    boolean awaitAgents = random.nextBoolean();
                    if (awaitAgents) {
                        await().atMost(Duration.ofSeconds(60)).until(() -> !watch.anyRunning());
                    }
                    log.add("project " + project + ", run " + runs + ": SIGKILL " + killed + " after " + killAfter
                            + " ms; "
                            + (awaitAgents ? "started again once its agents had ended" : "started again at once"));
                }
            }
            log.add("SIGKILLs: " + killed + " over " + project + (project == 1 ? " project" : " projects") + ", " + runs
                    + " runs of the jar");
            log.add("most agent calls at once in one folder: " + watch.mostAtOnce());
            assertThat(watch.mostAtOnce()).as(watch.report()).isLessThanOrEqualTo(1);
        }
        Map<String, Integer> counts = new TreeMap<>();
        firstTurns.forEach((call, n) -> counts.put(call, n.get()));
        long repeated = counts.values().stream().filter(n -> n > 1).count();
        log.add("first turns per call: " + counts);
        log.add("repeated calls: " + repeated);
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "kills-" + seed + ".txt"), log);

        assertThat(exits).as(String.join("\n", log)).containsOnly(0);
        assertThat(counts.keySet().stream().map(call -> call.substring(call.indexOf(' ') + 1)))
                .as(String.join("\n", log))
                .contains(
                        "requirements.v1",
                        "architecture.v1",
                        "work_plan.v1",
                        "dev_result.v1 scaffold",
                        "dev_result.v1 W1",
                        "dev_result.v1 W2",
                        "review.v1 W1",
                        "review.v1 W2");
        assertThat(repeated)
                .as("calls whose first turn was asked more than once: " + counts)
                .isZero();
    }

    /** Every reply after a random pause of up to 2.5 s; a developer writes its file, then answers. */
    private Function<Request, Reply> answers() {
        Function<Request, Reply> usual = ClaudeProjects.answers();
        return request -> {
            String contract = ClaudeProjects.contract(request);
            Matcher item = ITEM.matcher(String.join("\n", request.messageTexts()));
            String key = item.find() ? item.group(1) : "";
            boolean scaffold = request.lastMessageText().contains("# Scaffold:")
                    || request.messageTexts().stream().anyMatch(t -> t.contains("# Scaffold:"));
            if (request.messageTexts().size() == 1 && !contract.isEmpty()) {
                String call =
                        project(request) + " " + contract + (scaffold ? " scaffold" : key.isEmpty() ? "" : " " + key);
                firstTurns.computeIfAbsent(call, c -> new AtomicInteger()).incrementAndGet();
            }
            pause();
            if (contract.equals("architecture.v1")) {
                return text("The architecture.\n```json\n{\"contract\":\"architecture.v1\",\"summary\":\"Two files.\","
                        + "\"stack\":{\"language\":\"text\",\"storage\":\"none\",\"frameworks\":[]},"
                        + "\"components\":[{\"name\":\"files\",\"responsibility\":\"Say hi.\",\"paths\":[\"W1.txt\"]}],"
                        + "\"commands\":{\"setup\":\"true\",\"build\":\"true\",\"test\":\"test -f W1.txt && test -f W2.txt\","
                        + "\"run\":\"true\"},\"questions\":[]}\n```");
            }
            if (contract.equals("work_plan.v1")) {
                return text("The plan.\n```json\n{\"contract\":\"work_plan.v1\",\"items\":["
                        + "{\"key\":\"W1\",\"title\":\"Write W1.txt\",\"description\":\"Create it.\","
                        + "\"acceptance\":[\"it exists\"],\"depends_on\":[],\"priority\":1},"
                        + "{\"key\":\"W2\",\"title\":\"Write W2.txt\",\"description\":\"Create it.\","
                        + "\"acceptance\":[\"it exists\"],\"depends_on\":[\"W1\"],\"priority\":2}]}\n```");
            }
            if (contract.equals("dev_result.v1") && !key.isEmpty()) {
                if (!request.answersTools()) {
                    return toolUse(
                            "Write",
                            Map.of(
                                    "file_path",
                                    ClaudeProjects.workingDirectory(request)
                                            .resolve(key + ".txt")
                                            .toString(),
                                    "content",
                                    key + "\n"));
                }
                return text("Done.\n```json\n{\"contract\":\"dev_result.v1\",\"status\":\"done\",\"summary\":"
                        + "\"Wrote it.\",\"files\":[\"" + key + ".txt\"],\"blocker\":null}\n```");
            }
            return usual.apply(request);
        };
    }

    /** The project a request is about: the workspace folder the CLI works in, or under. */
    private static String project(Request request) {
        Path cwd = ClaudeProjects.workingDirectory(request);
        for (Path p = cwd; p != null && p.getParent() != null; p = p.getParent()) {
            if (p.getParent().getFileName() != null
                    && p.getParent().getFileName().toString().equals("workspace")) {
                return p.getFileName().toString();
            }
        }
        return cwd.toString();
    }

    private void pause() {
        int millis;
        synchronized (this) {
            millis = 300 + random.nextInt(2_200);
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
