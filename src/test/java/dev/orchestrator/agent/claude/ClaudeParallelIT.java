package dev.orchestrator.agent.claude;

import static dev.orchestrator.agent.fake.FakeAnthropicApi.text;
import static dev.orchestrator.agent.fake.FakeAnthropicApi.toolUse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.agent.fake.FakeAnthropicApi;
import dev.orchestrator.agent.fake.FakeAnthropicApi.Reply;
import dev.orchestrator.agent.fake.FakeAnthropicApi.Request;
import dev.orchestrator.pipeline.RunOutcome;
import dev.orchestrator.pipeline.TestEngine;
import dev.orchestrator.project.Project;
import dev.orchestrator.work.WorkItemStatus;
import dev.orchestrator.workspace.GitCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The implement phase in parallel through the real Claude Code CLI: three independent items, each
 * a real {@code claude -p} in its own worktree, two of them talking to the fake API at once.
 */
class ClaudeParallelIT {
    private static final List<String> ITEMS = List.of("W1", "W2", "W3");
    private static final Pattern ITEM = Pattern.compile("(?m)^# (W\\d+): ");

    @RegisterExtension
    final FakeAnthropicApi api = new FakeAnthropicApi();

    @TempDir
    Path home;

    /** The working directory each item's developer reported to the API, by item key. */
    private final Map<String, Path> developedIn = new ConcurrentHashMap<>();

    /** Counted down by the first developer request of W1 and of W2; each is held open until both came. */
    private final CountDownLatch together = new CountDownLatch(2);

    /** For W1 and W2: whether the other's developer asked while this one's request was still open. */
    private final Map<String, Boolean> overlapped = new ConcurrentHashMap<>();

    @Test
    void independentItems_runAtOnceInTheirWorktrees_andAllLandOnMain() throws Exception {
        try (TestEngine t = ClaudeProjects.engine(home, api, Map.of("phases.implement.max_parallel", "3"))) {
            Project project = t.service.create("three files that say their names", "names");
            api.answer(answers());

            RunOutcome outcome = ClaudeProjects.run(t, project);

            assertThat(outcome).as(String.join("\n", t.progress)).isEqualTo(RunOutcome.COMPLETED);
            assertThat(overlapped)
                    .as("W1's and W2's developers were asking the API at the same time")
                    .isEqualTo(Map.of("W1", true, "W2", true));
            Path workspace = project.workspace();
            for (String key : ITEMS) {
                Path worktree = workspace.resolve(".orchestrator/worktrees/" + key);
                assertThat(developedIn).as("where the CLIs ran").containsEntry(key, worktree);
                assertThat(workspace.resolve(file(key))).as("on main").hasContent(key);
                assertThat(GitCli.commitsOnMain(workspace, key + ": Write " + file(key)))
                        .isEqualTo(1);
                assertThat(rawLogs(workspace, key + "-developer-"))
                        .as("the CLI's init line names its worktree as its cwd")
                        .anyMatch(line -> line.contains("\"cwd\":\"" + worktree + "\""));
            }
            assertThat(t.engine.items(project.id())).extracting(i -> i.status()).containsOnly(WorkItemStatus.DONE);
            GitCli.assertOnlyCleanMainLeft(workspace);
        }
    }

    /**
     * Answers by contract; each item's developer writes {@code <key>.txt} in the folder the CLI
     * says it works in, W1's and W2's only once both have asked (or a minute has passed).
     */
    private Function<Request, Reply> answers() {
        return request -> {
            String contract = ClaudeProjects.contract(request);
            Optional<String> item = item(request).filter(ITEMS::contains);
            if (contract.equals("dev_result.v1") && !request.answersTools()) {
                Path cwd = ClaudeProjects.workingDirectory(request);
                if (item.isEmpty()) {
                    return toolUse(
                            "Write",
                            Map.of("file_path", cwd.resolve("README.md").toString(), "content", "hi\n"));
                }
                String key = item.get();
                if (developedIn.putIfAbsent(key, cwd) == null && !key.equals("W3")) {
                    together.countDown();
                    overlapped.put(key, awaitTogether());
                }
                return toolUse(
                        "Write", Map.of("file_path", cwd.resolve(file(key)).toString(), "content", key));
            }
            String document = switch (contract) {
                case "architecture.v1" -> architecture();
                case "work_plan.v1" -> workPlan();
                case "dev_result.v1" ->
                    item.map(ClaudeParallelIT::devResult).orElseGet(() -> ClaudeProjects.document(contract));
                default -> ClaudeProjects.document(contract);
            };
            return text("Here it is.\n```json\n" + document + "\n```");
        };
    }

    private boolean awaitTogether() {
        try {
            return together.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String file(String key) {
        return key.toLowerCase(Locale.ROOT) + ".txt";
    }

    private static Optional<String> item(Request request) {
        Matcher matcher = ITEM.matcher(String.join("\n", request.messageTexts()));
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private static String architecture() {
        return """
            {"contract":"architecture.v1","summary":"Three text files.",
             "stack":{"language":"text","storage":"none","frameworks":[]},
             "components":[{"name":"names","responsibility":"Say their names.","paths":["w1.txt","w2.txt","w3.txt"]}],
             "commands":{"setup":"true","build":"true","test":"test -f w1.txt && test -f w2.txt && test -f w3.txt",
                         "run":"cat w1.txt"},
             "questions":[]}""";
    }

    private static String workPlan() {
        List<String> items = new ArrayList<>();
        for (String key : ITEMS) {
            items.add("""
                {"key":"%s","title":"Write %s","description":"Create %s holding its key.",
                 "acceptance":["%s exists"],"depends_on":[],"priority":1}""".formatted(key, file(key), file(key), file(key)));
        }
        return "{\"contract\":\"work_plan.v1\",\"items\":[" + String.join(",", items) + "]}";
    }

    private static String devResult(String key) {
        return """
            {"contract":"dev_result.v1","status":"done","summary":"Wrote %s.","files":["%s"],"blocker":null}""".formatted(file(key), file(key));
    }

    /** Every line of the raw CLI logs of the implement phase whose file name starts with {@code prefix}. */
    private static List<String> rawLogs(Path workspace, String prefix) throws Exception {
        try (Stream<Path> logs = Files.list(workspace.resolve(".orchestrator/logs/implement"))) {
            List<String> lines = new ArrayList<>();
            for (Path log : logs.filter(f -> f.getFileName().toString().startsWith(prefix)
                            && f.toString().endsWith(".jsonl"))
                    .toList()) {
                lines.addAll(Files.readAllLines(log));
            }
            return lines;
        }
    }
}
