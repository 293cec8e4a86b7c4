package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged jar as a process in a test's folder, with the scripted agent: started with a
 * script, its merged output in a file, and the script's calls log read back.
 */
final class ScriptedJar {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path dir;

    /** Runs in {@code dir}, with its home in {@code dir/home}; scripts log calls to {@code dir/calls.jsonl}. */
    ScriptedJar(Path dir) {
        this.dir = dir;
    }

    /**
     * A script response that answers the task breakdown with items {@code W1..Wn} titled
     * {@code Item i}; {@code dependsOn} gives each number's {@code depends_on} JSON array.
     */
    static String workPlan(int items, IntFunction<String> dependsOn) {
        StringBuilder plan = new StringBuilder();
        for (int i = 1; i <= items; i++) {
            plan.append(i == 1 ? "" : ",")
                    .append("{\"key\":\"W")
                    .append(i)
                    .append("\",\"title\":\"Item ")
                    .append(i)
                    .append("\",\"description\":\"d\",\"acceptance\":[\"works\"],\"depends_on\":")
                    .append(dependsOn.apply(i))
                    .append(",\"priority\":2}");
        }
        return "  - contract: work_plan.v1\n" + "    json: {\"contract\":\"work_plan.v1\",\"items\":[" + plan + "]}\n";
    }

    /** {@code java -jar orchestrator.jar} with the scripted agent in autonomy full, then {@code args}. */
    ProcessBuilder jar(Path script, String... args) {
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

    /** A started jar whose output (stdout and stderr) goes to {@code out}. */
    record Running(Process process, Path out) {
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

        /** SIGKILL: no shutdown hook, no goodbye. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("killed").isTrue();
        }
    }

    Running start(ProcessBuilder builder, String name) throws IOException {
        Path out = dir.resolve(name + ".out");
        builder.redirectErrorStream(true).redirectOutput(out.toFile());
        return new Running(builder.start(), out);
    }

    /** The project's workspace (the first one under the home). */
    Path workspace() throws IOException {
        try (var folders = Files.list(dir.resolve("home/workspace"))) {
            return folders.findFirst().orElseThrow();
        }
    }

    /** Every call the scripted agent completed, in order. */
    List<JsonNode> calls() throws IOException {
        List<JsonNode> calls = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("calls.jsonl"))) {
            calls.add(JSON.readTree(line));
        }
        return calls;
    }

    /** {@code phase/role/item/contract}: what a repeated call has in common with its first. */
    static String identity(JsonNode call) {
        return call.path("phase").asString() + "/" + call.path("role").asString() + "/"
                + call.path("item").asString("") + "/" + call.path("contract").asString("");
    }
}
