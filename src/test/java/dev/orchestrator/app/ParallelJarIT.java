package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchestrator.app.ScriptedJar.Running;
import dev.orchestrator.workspace.GitCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The packaged jar running work items in parallel worktrees, killed with SIGKILL while several
 * items are in flight and resumed: every item lands on main exactly once and no finished call is
 * made again.
 */
class ParallelJarIT {
    private static final int ITEMS = 6;
    private static final int MAX_PARALLEL = 3;
    private static final Pattern DEVELOPING = Pattern.compile("developer at work in orchestrator/W");

    private final Path dir;
    private final ScriptedJar jars;

    ParallelJarIT(@TempDir Path dir) {
        this.dir = dir;
        this.jars = new ScriptedJar(dir);
    }

    /**
     * Six items, three ready at a time: W1-W3 independent, W4 on W1, W5 on W2, W6 on W3 and W4.
     * Developers take 700 ms and reviewers 400 ms, so that several items are mid-flight at once.
     */
    private Path script() throws IOException {
        Map<Integer, String> depends = Map.of(4, "[\"W1\"]", 5, "[\"W2\"]", 6, "[\"W3\",\"W4\"]");
        String yaml = "calls_log: calls.jsonl\nresponses:\n"
                + ScriptedJar.workPlan(ITEMS, i -> depends.getOrDefault(i, "[]"))
                + "  - {phase: implement, role: developer, delay_ms: 700}\n"
                + "  - {phase: implement, role: reviewer, delay_ms: 400}\n";
        Path file = dir.resolve("script.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private Running start(Path script, String name, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--set", "phases.implement.max_parallel=" + MAX_PARALLEL));
        all.addAll(List.of(args));
        return jars.start(jars.jar(script, all.toArray(String[]::new)), name);
    }

    @Test
    void sigkillWhileItemsRunInParallel_resumeLandsEveryItemOnceAndRepeatsNoFinishedCall() throws Exception {
        Path script = script();
        Running first = start(script, "first", "generate", "a tool that renames photos by date");
        killWhen(
                first,
                () -> count(DEVELOPING, output(first)) >= 2 && worktrees().size() >= 2);
        List<String> midDevelopment = worktrees();
        assertThat(midDevelopment)
                .as("worktrees of the items in flight at the first kill")
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(GitCli.lines(jars.workspace(), "worktree", "list", "--porcelain"))
                .as("git still knows the killed items' worktrees")
                .filteredOn(line -> line.startsWith("worktree ") && line.contains("/.orchestrator/worktrees/"))
                .hasSize(midDevelopment.size());

        Running second = start(script, "second", "--resume", "1");
        killWhen(
                second,
                () -> output(second).contains("merged into main as")
                        && worktrees().size() >= 2);
        List<String> afterMerge = worktrees();
        String secondOutput = second.output();
        for (String key : midDevelopment) {
            assertThat(secondOutput).as("the first resume").containsPattern(reattached(key));
        }
        assertThat(secondOutput).contains("resumed in its worktree");

        Running last = start(script, "last", "--resume", "1");
        int exit = last.awaitExit();

        assertThat(exit).as(last.output()).isZero();
        assertThat(last.output()).contains("project 1 completed");
        for (String key : afterMerge) {
            assertThat(last.output()).as("the second resume").containsPattern(reattached(key));
        }
        Path workspace = jars.workspace();
        for (int i = 1; i <= ITEMS; i++) {
            String subject = "W" + i + ": Item " + i;
            assertThat(GitCli.commitsOnMain(workspace, subject))
                    .as(subject + " commits on main")
                    .isEqualTo(1);
        }
        GitCli.assertOnlyCleanMainLeft(workspace);
        assertThat(worktrees()).as("worktree folders left").isEmpty();
        assertCallsNotRepeated(2);
    }

    /**
     * Each finished call is recorded before anything depends on it, so a resume repeats none; at
     * most the calls in flight at each kill (one per running item) are made again.
     */
    private void assertCallsNotRepeated(int kills) throws IOException {
        List<JsonNode> calls = jars.calls();
        Map<String, Long> byIdentity =
                calls.stream().collect(Collectors.groupingBy(ScriptedJar::identity, Collectors.counting()));
        for (int i = 1; i <= ITEMS; i++) {
            assertThat(byIdentity)
                    .containsKey("implement/developer/W" + i + "/dev_result.v1")
                    .containsKey("implement/reviewer/W" + i + "/review.v1");
        }
        assertThat(byIdentity.values()).as(byIdentity.toString()).allMatch(n -> n <= 1 + kills);
        int expected =
                4 + 2 * ITEMS; // ideation, architecture, task breakdown, scaffold; developer and reviewer per item
        assertThat(calls.size()).as(byIdentity.toString()).isBetween(expected, expected + kills * MAX_PARALLEL);
    }

    /**
     * What a resumed run says of an item that was in its worktree when the jar was killed: it goes
     * on in that worktree, or only merges, or (killed between recording it done and removing the
     * worktree) sets the worktree aside.
     */
    private static Pattern reattached(String key) {
        String k = Pattern.quote(key);
        return Pattern.compile(k + " (resumed in its worktree|passed its review before the interruption"
                + "|was merged before the interruption)|set aside the orphaned worktree of " + k);
    }

    /** Waits (polling often, so the kill lands close to the moment) until {@code when}, then SIGKILLs. */
    private static void killWhen(Running run, BooleanSupplier when) throws Exception {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> when.getAsBoolean() || !run.process().isAlive());
        assertThat(run.process().isAlive())
                .as("still running at the kill point: " + run.output())
                .isTrue();
        run.kill();
    }

    /** The item keys whose worktree folders are on disk. */
    private List<String> worktrees() {
        try {
            Path root = jars.workspace().resolve(".orchestrator/worktrees");
            if (!Files.isDirectory(root)) {
                return List.of();
            }
            try (Stream<Path> folders = Files.list(root)) {
                return folders.filter(Files::isDirectory)
                        .map(f -> f.getFileName().toString())
                        .sorted()
                        .toList();
            }
        } catch (IOException | java.util.NoSuchElementException e) {
            return List.of(); // the workspace is not made yet
        }
    }

    private static String output(Running run) {
        try {
            return run.output();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long count(Pattern pattern, String text) {
        return pattern.matcher(text).results().count();
    }
}
