package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.app.ScriptedJar.Running;
import dev.orchestrator.workspace.Git;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The packaged jar as a real process running whole pipelines with the scripted agent: killed with
 * SIGKILL mid-way and resumed, stopped with SIGTERM, and run twice on one database.
 */
class PipelineJarIT {
    private static final int ITEMS = 6;

    @TempDir
    Path dir;

    private ScriptedJar jars;

    @BeforeEach
    void jarInDir() {
        jars = new ScriptedJar(dir);
    }

    /** A plan of six items (W2 and W4 depend on W1, W6 on W5), every call slowed to leave room for kills. */
    private Path script(int delayMillis) throws IOException {
        String yaml = "delay_ms: " + delayMillis + "\ncalls_log: calls.jsonl\nresponses:\n"
                + ScriptedJar.workPlan(ITEMS, i -> i == 2 || i == 4 ? "[\"W1\"]" : i == 6 ? "[\"W5\"]" : "[]");
        Path file = dir.resolve("script.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void sigkillAtSeveralPoints_thenResume_completesWithoutRepeatingFinishedCalls() throws Exception {
        Path script = script(120);
        List<String> killPoints =
                List.of("[architecture] started", "[implement] W1 review", "[implement] W4", "[test]");
        int kills = 0;
        Running run = jars.start(jars.jar(script, "generate", "a tool that renames photos by date"), "run-0");
        for (String point : killPoints) {
            run.awaitOutput(point);
            if (!run.process().isAlive()) {
                break;
            }
            run.kill();
            kills++;
            run = jars.start(jars.jar(script, "--resume", "1"), "run-" + kills);
        }
        int exit = run.awaitExit();

        assertThat(exit).as(run.output()).isZero();
        assertThat(run.output()).contains("project 1 completed");
        assertThat(kills).isGreaterThanOrEqualTo(3);
        Path workspace = jars.workspace();
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
        List<JsonNode> calls = jars.calls();
        Map<String, Long> byIdentity = calls.stream()
                .map(ScriptedJar::identity)
                .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
        long repeated = byIdentity.values().stream().mapToLong(n -> n - 1).sum();
        int expected = 4 + 2 * ITEMS;
        assertThat(calls.size()).as(byIdentity.toString()).isBetween(expected, expected + kills);
        assertThat(repeated).as(byIdentity.toString()).isLessThanOrEqualTo(kills);
    }

    @Test
    void sigterm_stopsCleanlyWithExitZero_andResumeFinishes() throws Exception {
        Path script = script(300);
        Running run = jars.start(jars.jar(script, "generate", "a tool that renames photos by date"), "first");
        run.awaitOutput("[implement] W1");

        run.process().destroy(); // SIGTERM
        int exit = run.awaitExit();

        assertThat(exit).as(run.output()).isZero();
        assertThat(run.output()).contains("stopping 1 project").contains("state saved");
        Running resumed = jars.start(jars.jar(script, "--resume"), "second");
        assertThat(resumed.awaitExit()).as(resumed.output()).isZero();
        assertThat(resumed.output()).contains("project 1 completed");
    }

    @Test
    void secondInstance_neverRunsAProjectWhoseOwnerIsAlive() throws Exception {
        Path script = script(200);
        Running first = jars.start(jars.jar(script, "generate", "a tool that renames photos by date"), "first");
        first.awaitOutput("[architecture]");

        Running second = jars.start(jars.jar(script, "--resume", "1"), "second");
        int secondExit = second.awaitExit();

        assertThat(secondExit).as(second.output()).isEqualTo(3);
        assertThat(second.output()).contains("being run by another Orchestrator");
        assertThat(first.awaitExit()).as(first.output()).isZero();
    }

    @Test
    void failAtPhase_failsWithExitOne_rollsBack_andResumeCompletes() throws Exception {
        Path script = script(0);
        ProcessBuilder failing = jars.jar(script, "generate", "a tool that renames photos by date");
        failing.environment().put("ORCHESTRATOR_FAIL_AT_PHASE", "initialize");
        Running run = jars.start(failing, "failing");

        assertThat(run.awaitExit()).as(run.output()).isEqualTo(1);
        assertThat(run.output())
                .contains("[initialize] failed: failure injected")
                .contains("rolled back");
        Path workspace = jars.workspace();
        assertThat(Git.at(workspace).log(1)).containsExactly("docs: work-plan");
        assertThat(workspace.resolve("scripted/initialize.txt")).doesNotExist();

        Running resumed = jars.start(jars.jar(script, "--resume", "1"), "resumed");
        assertThat(resumed.awaitExit()).as(resumed.output()).isZero();
    }

    @Test
    void checkpointAutonomy_generateExitsThreeAndSaysHowToContinue() throws Exception {
        Path script = script(0);
        ProcessBuilder builder = jars.jar(script, "generate", "a tool that renames photos by date");
        List<String> command = new ArrayList<>(builder.command());
        int at = command.indexOf("--autonomy");
        command.set(at + 1, "checkpoint");
        builder.command(command);
        Running run = jars.start(builder, "checkpoint");

        assertThat(run.awaitExit()).isEqualTo(3);
        assertThat(run.output()).contains("is waiting for you").contains("/approve 1");
    }
}
