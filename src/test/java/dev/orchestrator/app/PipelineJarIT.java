package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchestrator.workspace.Git;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged jar as a real process running whole pipelines with the scripted agent: killed with
 * SIGKILL mid-way and resumed, stopped with SIGTERM, and run twice on one database.
 */
class PipelineJarIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int ITEMS = 6;

    @TempDir
    Path dir;

    /** A plan of six items (W2 and W4 depend on W1, W6 on W5), every call slowed to leave room for kills. */
    private Path script(int delayMillis) throws IOException {
        StringBuilder items = new StringBuilder();
        for (int i = 1; i <= ITEMS; i++) {
            String depends = i == 2 || i == 4 ? "[\"W1\"]" : i == 6 ? "[\"W5\"]" : "[]";
            items.append(i == 1 ? "" : ",")
                    .append("{\"key\":\"W")
                    .append(i)
                    .append("\",\"title\":\"Item ")
                    .append(i)
                    .append("\",\"description\":\"d\",\"acceptance\":[\"works\"],\"depends_on\":")
                    .append(depends)
                    .append(",\"priority\":2}");
        }
        String yaml = "delay_ms: " + delayMillis + "\ncalls_log: calls.jsonl\nresponses:\n"
                + "  - contract: work_plan.v1\n"
                + "    json: {\"contract\":\"work_plan.v1\",\"items\":[" + items + "]}\n";
        Path file = dir.resolve("script.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private ProcessBuilder jar(Path script, String... args) {
        String jar = System.getProperty("orchestrator.jar", "target/orchestrator.jar");
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
        command.addAll(
                List.of("--set", "agent.backend=scripted", "--set", "agent.script=" + script, "--autonomy", "full"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("ORCHESTRATOR_HOME", dir.resolve("home").toString());
        builder.environment().remove("ORCHESTRATOR_FAIL_AT_PHASE");
        return builder;
    }

    private record Running(Process process, Path out) {
        String output() throws IOException {
            return Files.exists(out) ? Files.readString(out) : "";
        }

        void awaitOutput(String text) {
            await().atMost(Duration.ofSeconds(60)).until(() -> output().contains(text) || !process.isAlive());
            try {
                assertThat(output()).as("output before '" + text + "'").contains(text);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        int awaitExit() throws InterruptedException {
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("finished").isTrue();
            return process.exitValue();
        }
    }

    private Running start(ProcessBuilder builder, String name) throws IOException {
        Path out = dir.resolve(name + ".out");
        builder.redirectErrorStream(true).redirectOutput(out.toFile());
        return new Running(builder.start(), out);
    }

    private List<JsonNode> calls() throws IOException {
        List<JsonNode> calls = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("calls.jsonl"))) {
            calls.add(JSON.readTree(line));
        }
        return calls;
    }

    private static String identity(JsonNode call) {
        return call.path("phase").asString() + "/" + call.path("role").asString() + "/"
                + call.path("item").asString("") + "/" + call.path("contract").asString("");
    }

    @Test
    void sigkillAtSeveralPoints_thenResume_completesWithoutRepeatingFinishedCalls() throws Exception {
        Path script = script(120);
        List<String> killPoints =
                List.of("[architecture] started", "[implement] W1 review", "[implement] W4", "[test]");
        int kills = 0;
        Running run = start(jar(script, "generate", "a tool that renames photos by date"), "run-0");
        for (String point : killPoints) {
            run.awaitOutput(point);
            if (!run.process().isAlive()) {
                break;
            }
            run.process().destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye
            run.process().waitFor(10, TimeUnit.SECONDS);
            kills++;
            run = start(jar(script, "--resume", "1"), "run-" + kills);
        }
        int exit = run.awaitExit();

        assertThat(exit).as(run.output()).isZero();
        assertThat(run.output()).contains("project 1 completed");
        assertThat(kills).isGreaterThanOrEqualTo(3);
        Path workspace = Files.list(dir.resolve("home/workspace")).findFirst().orElseThrow();
        List<String> log = Git.at(workspace).log(50);
        for (int i = 1; i <= ITEMS; i++) {
            String subject = "W" + i + ": Item " + i;
            assertThat(log.stream().filter(subject::equals))
                    .as(subject + " committed once")
                    .hasSize(1);
        }
        assertThat(Git.at(workspace).hasChanges()).isFalse();
        // Each finished call is recorded with its answer before anything depends on it, so a resumed
        // run repeats none of them; at most the call in flight at each kill can be made again.
        List<JsonNode> calls = calls();
        Map<String, Long> byIdentity = calls.stream()
                .map(PipelineJarIT::identity)
                .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
        long repeated = byIdentity.values().stream().mapToLong(n -> n - 1).sum();
        int expected = 4 + 2 * ITEMS;
        assertThat(calls.size()).as(byIdentity.toString()).isBetween(expected, expected + kills);
        assertThat(repeated).as(byIdentity.toString()).isLessThanOrEqualTo(kills);
    }

    @Test
    void sigterm_stopsCleanlyWithExitZero_andResumeFinishes() throws Exception {
        Path script = script(300);
        Running run = start(jar(script, "generate", "a tool that renames photos by date"), "first");
        run.awaitOutput("[implement] W1");

        run.process().destroy(); // SIGTERM
        int exit = run.awaitExit();

        assertThat(exit).as(run.output()).isZero();
        assertThat(run.output()).contains("stopping 1 project").contains("state saved");
        Running resumed = start(jar(script, "--resume"), "second");
        assertThat(resumed.awaitExit()).as(resumed.output()).isZero();
        assertThat(resumed.output()).contains("project 1 completed");
    }

    @Test
    void secondInstance_neverRunsAProjectWhoseOwnerIsAlive() throws Exception {
        Path script = script(200);
        Running first = start(jar(script, "generate", "a tool that renames photos by date"), "first");
        first.awaitOutput("[architecture]");

        Running second = start(jar(script, "--resume", "1"), "second");
        int secondExit = second.awaitExit();

        assertThat(secondExit).as(second.output()).isEqualTo(3);
        assertThat(second.output()).contains("being run by another Orchestrator");
        assertThat(first.awaitExit()).as(first.output()).isZero();
    }

    @Test
    void failAtPhase_failsWithExitOne_rollsBack_andResumeCompletes() throws Exception {
        Path script = script(0);
        ProcessBuilder failing = jar(script, "generate", "a tool that renames photos by date");
        failing.environment().put("ORCHESTRATOR_FAIL_AT_PHASE", "initialize");
        Running run = start(failing, "failing");

        assertThat(run.awaitExit()).as(run.output()).isEqualTo(1);
        assertThat(run.output())
                .contains("[initialize] failed: failure injected")
                .contains("rolled back");
        Path workspace = Files.list(dir.resolve("home/workspace")).findFirst().orElseThrow();
        assertThat(Git.at(workspace).log(1)).containsExactly("docs: work-plan");
        assertThat(workspace.resolve("scripted/initialize.txt")).doesNotExist();

        Running resumed = start(jar(script, "--resume", "1"), "resumed");
        assertThat(resumed.awaitExit()).as(resumed.output()).isZero();
    }

    @Test
    void checkpointAutonomy_generateExitsThreeAndSaysHowToContinue() throws Exception {
        Path script = script(0);
        ProcessBuilder builder = jar(script, "generate", "a tool that renames photos by date");
        List<String> command = new ArrayList<>(builder.command());
        int at = command.indexOf("--autonomy");
        command.set(at + 1, "checkpoint");
        builder.command(command);
        Running run = start(builder, "checkpoint");

        assertThat(run.awaitExit()).isEqualTo(3);
        assertThat(run.output()).contains("is waiting for you").contains("/approve 1");
    }
}
