package dev.orchestrator.pipeline;

import static dev.orchestrator.agent.fake.FakeResponsesApi.contract;
import static dev.orchestrator.agent.fake.FakeResponsesApi.message;
import static dev.orchestrator.agent.fake.FakeResponsesApi.reply;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.agent.codex.RealCodex;
import dev.orchestrator.agent.fake.FakeResponsesApi;
import dev.orchestrator.agent.fake.FakeResponsesApi.Reply;
import dev.orchestrator.agent.fake.FakeResponsesApi.Request;
import dev.orchestrator.project.Project;
import dev.orchestrator.work.WorkItemStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four work items at once through the real Codex CLI ({@code max_parallel: 4}): the four
 * developers ask the fake API at the same time, each first answers badly, and each repair
 * continues its own Codex thread ({@code exec resume}) in its item's own CODEX_HOME, whose history
 * holds its own item's prompt and no other's. Every item lands on main.
 */
class CodexParallelIT {
    private static final List<String> ITEMS = List.of("W1", "W2", "W3", "W4");
    private static final Pattern ITEM = Pattern.compile("# (W\\d+): ");

    @RegisterExtension
    final FakeResponsesApi api = new FakeResponsesApi();

    @TempDir
    Path home;

    private final CountDownLatch together = new CountDownLatch(ITEMS.size());
    private final Map<String, Boolean> overlapped = new ConcurrentHashMap<>();
    /** Per item: the items named in the history of its repair turn (its own thread's, resumed). */
    private final Map<String, Set<String>> repairHistory = new ConcurrentHashMap<>();

    @Test
    void fourItemsAtOnce_eachRepairContinuesItsOwnThread_andAllLand() throws Exception {
        api.answerWith(this::answer);
        try (TestEngine t = engine()) {
            Project project = t.service.create("four files that say their names", "names");

            RunOutcome outcome = Runs.run(t, project);

            assertThat(outcome).as(Runs.progress(t)).isEqualTo(RunOutcome.COMPLETED);
            assertThat(overlapped)
                    .as("the four developers asked the API at the same time")
                    .isEqualTo(Map.of("W1", true, "W2", true, "W3", true, "W4", true));
            for (String key : ITEMS) {
                assertThat(repairHistory.get(key))
                        .as(key + "'s repair resumed a thread that knows only " + key)
                        .containsExactly(key);
                assertThat(project.workspace().resolve(key + ".txt")).hasContent(key);
                assertThat(project.workspace().resolve(".orchestrator/state/" + key))
                        .as(key + "'s CODEX_HOME, once merged")
                        .doesNotExist();
            }
            assertThat(Runs.progress(t)).contains("asking for a repair");
            assertThat(t.engine.items(project.id())).extracting(i -> i.status()).containsOnly(WorkItemStatus.DONE);
            assertThat(Files.list(Path.of(codexHome.toString(), "sessions")).findAny())
                    .as("the person's CODEX_HOME holds none of the items' threads")
                    .isEmpty();
        }
    }

    private Path codexHome;

    private TestEngine engine() throws Exception {
        codexHome = RealCodex.home(api);
        Files.createDirectories(codexHome.resolve("sessions"));
        StringBuilder env = new StringBuilder();
        RealCodex.env(codexHome)
                .forEach((key, value) -> env.append("    ")
                        .append(key)
                        .append(": ")
                        .append(value)
                        .append('\n'));
        Files.writeString(home.resolve("config.yaml"), "agent:\n  env:\n" + env);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("agent.backend", "codex");
        settings.put("agent.command", RealCodex.program().toString());
        settings.put("agent.model", "gpt-5.5");
        settings.put("autonomy", "full");
        settings.put("phases.implement.max_parallel", "4");
        return TestEngine.start(
                home, TestEngine.script(home.resolve("s"), "responses: []\n"), settings, Optional.empty());
    }

    private Reply answer(Request request) {
        String prompt = request.prompt();
        String contract = contract(prompt);
        return switch (contract.isEmpty() ? contract(String.join("\n", request.userTexts())) : contract) {
            case "requirements.v1" -> reply("""
                    {"contract":"requirements.v1","name":"Names","summary":"Four files.",
                     "features":[{"id":"F1","title":"Files","description":"Each says its name.","priority":"must"}],
                     "constraints":[],"questions":[]}""");
            case "architecture.v1" -> reply("""
                    {"contract":"architecture.v1","summary":"Four text files.",
                     "stack":{"language":"text","frameworks":[],"storage":"none"},
                     "components":[{"name":"files","responsibility":"The files.","paths":["W1.txt"]}],
                     "commands":{"setup":"true","build":"true","test":"true","run":"true"},
                     "questions":[]}""");
            case "work_plan.v1" -> reply(plan());
            case "dev_result.v1" -> develop(request, prompt);
            case "review.v1" -> reply("""
                    {"contract":"review.v1","status":"pass","summary":"Fine.","findings":[]}""");
            default -> message("I was not asked for a contract I know.");
        };
    }

    /**
     * A developer's first turn waits for the others' (or a minute), then writes its file and
     * answers without the JSON block; its repair, in the same thread, answers properly.
     */
    private Reply develop(Request request, String prompt) {
        List<String> history = request.userTexts().stream()
                .filter(text -> !text.startsWith("<"))
                .toList();
        // the item each prompt of the thread is about: its first line, "# W3: Write W3.txt"
        Set<String> named = new java.util.LinkedHashSet<>();
        history.forEach(text -> {
            Matcher m = ITEM.matcher(text.lines().findFirst().orElse(""));
            if (m.lookingAt()) {
                named.add(m.group(1));
            }
        });
        if (named.isEmpty()) {
            return reply("""
                    {"contract":"dev_result.v1","status":"done","summary":"Nothing to scaffold.","files":[],
                     "blocker":null}""");
        }
        String key = named.iterator().next();
        if (history.size() == 1 && request.toolOutputsThisTurn().isEmpty()) {
            if (overlapped.putIfAbsent(key, false) == null) {
                together.countDown();
                try {
                    overlapped.put(key, together.await(60, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return FakeResponsesApi.exec("printf " + key + " > " + key + ".txt");
        }
        if (history.size() == 1) {
            return message("I wrote " + key + ".txt.");
        }
        repairHistory.put(key, named);
        return reply("{\"contract\":\"dev_result.v1\",\"status\":\"done\",\"summary\":\"Wrote " + key
                + ".txt.\",\"files\":[\"" + key + ".txt\"],\"blocker\":null}");
    }

    private static String plan() {
        StringBuilder items = new StringBuilder();
        for (String key : ITEMS) {
            items.append(items.isEmpty() ? "" : ",")
                    .append("{\"key\":\"")
                    .append(key)
                    .append("\",\"title\":\"Write ")
                    .append(key)
                    .append(".txt\",\"description\":\"Create ")
                    .append(key)
                    .append(".txt saying ")
                    .append(key)
                    .append(".\",\"acceptance\":[\"it exists\"],\"depends_on\":[],\"priority\":1}");
        }
        return "{\"contract\":\"work_plan.v1\",\"items\":[" + items + "]}";
    }
}
