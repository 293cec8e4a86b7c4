package dev.orchestrator.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PromptsTest {
    private final Prompts prompts = new Prompts(Optional.empty());

    @Test
    void templateNames_matchTheFilesInThePromptsFolder() throws IOException {
        Path folder = Path.of("prompts");
        List<String> onDisk;
        try (Stream<Path> files = Files.walk(folder)) {
            onDisk = files.filter(file -> file.toString().endsWith(".md"))
                    .map(file -> folder.relativize(file).toString().replace('\\', '/'))
                    .filter(name -> !name.equals("README.md"))
                    .map(name -> name.substring(0, name.length() - ".md".length()))
                    .toList();
        }

        assertThat(prompts.templateNames()).containsExactlyInAnyOrderElementsOf(onDisk);
        assertThat(prompts.templateNames())
                .containsExactlyInAnyOrderElementsOf(
                        Contexts.SPECS.stream().map(Contexts.Spec::template).toList());
    }

    @Test
    void everyBuiltInTemplate_rendersWithAFullContext() {
        for (Contexts.Spec spec : Contexts.SPECS) {
            String text = prompts.render(spec.template(), Contexts.full(spec));

            assertThat(text)
                    .as(spec.template())
                    .isNotBlank()
                    .doesNotContain("{{")
                    .doesNotContain("\n\n\n");
            if (spec.contractId() != null) {
                assertThat(text)
                        .as(spec.template())
                        .contains("`" + spec.contractId() + "`")
                        .contains("```json\n{\"title\": \"" + spec.contractId() + "\", \"type\": \"object\"}\n```")
                        .contains("Write nothing after that block");
            }
            if (spec.required().contains("item.key")) {
                assertThat(text)
                        .as(spec.template())
                        .startsWith("# ")
                        .contains("W2: Search recipes by ingredient")
                        .contains("**W2 (Search recipes by ingredient)**");
            }
        }
    }

    @Test
    void everyBuiltInTemplate_rendersWithOnlyItsRequiredKeys_optionalOnesAbsentOrNull() {
        for (Contexts.Spec spec : Contexts.SPECS) {
            for (Map<String, Object> context : List.of(Contexts.required(spec), Contexts.requiredWithNulls(spec))) {
                String text = prompts.render(spec.template(), context);

                assertThat(text).as(spec.template()).doesNotContain("{{").doesNotContain("\n\n\n");
                assertThat(text)
                        .as(spec.template())
                        .doesNotContain("Feedback on the previous result")
                        .doesNotContain("Guidance from the person")
                        .doesNotContain("Answers to earlier questions")
                        .doesNotContain("interrupted");
            }
        }
    }

    @Test
    void optionalBlocks_appearOnlyWithTheirValues() {
        Contexts.Spec develop = spec("implement/develop");
        Map<String, Object> context = Contexts.requiredWithNulls(develop);
        context.put("feedback", "");
        context.put("answers", List.of());
        context.put("interrupted", false);
        assertThat(prompts.render("implement/develop", context))
                .doesNotContain("Feedback")
                .doesNotContain("Answers")
                .doesNotContain("interrupted");

        String full = prompts.render("implement/develop", Contexts.full(develop));
        assertThat(full)
                .contains("<feedback>\nSearch must ignore case; drop the tagging feature.\n</feedback>")
                .contains("- Where is data kept? **SQLite file** (assumed)")
                .contains("- Who uses it? **One person, locally**\n")
                .contains("<guidance>\nUse the existing db helper instead of a new connection.\n</guidance>")
                .contains("An earlier attempt was interrupted")
                .contains("- GET /recipes?q=egg returns only recipes with eggs")
                .contains("- W1\n")
                .contains("make it pass: `pytest -q`.");
    }

    @Test
    void fixPrompts_listFindingsCyclesAndTheFailingOutput() {
        String fix = prompts.render("implement/fix", Contexts.full(spec("implement/fix")));
        assertThat(fix)
                .contains("fix round 2 of 3")
                .contains("- **major** `src/app/api.py:42`: SQL built by string concatenation; use a parameter.");

        Map<String, Object> wholeFile = Contexts.full(spec("implement/fix"));
        wholeFile.put("findings", List.of(finding("blocker", "README.md", null, "Missing setup steps.")));
        assertThat(prompts.render("implement/fix", wholeFile))
                .contains("- **blocker** `README.md`: Missing setup steps.");

        String testFix = prompts.render("test/fix", Contexts.full(spec("test/fix")));
        assertThat(testFix)
                .contains(
                        "````text\nFAILED tests/test_search.py::test_empty_query - assert 200 == 400\n1 failed, 12 passed\n````")
                .contains("Command: `pytest -q`");
    }

    @Test
    void repair_listsTheProblemsAndAsksForTheWholeDocument() {
        String repair = prompts.render("common/repair", Contexts.full(spec("common/repair")));

        assertThat(repair)
                .contains("- $.status: must be one of [done, blocked]\n- $.files: is missing")
                .contains("complete, not only the changed fields")
                .contains("```json");
    }

    @Test
    void deploy_withoutInstructions_asksToSkipRatherThanInventATarget() {
        Map<String, Object> context = Contexts.requiredWithNulls(spec("deploy/deploy"));

        assertThat(prompts.render("deploy/deploy", context))
                .contains("None were given")
                .contains("\"skipped\"");
        assertThat(prompts.render("deploy/deploy", Contexts.full(spec("deploy/deploy"))))
                .contains("Raspberry Pi")
                .doesNotContain("None were given");
    }

    @Test
    void htmlCharacters_areNotEscaped() {
        Map<String, Object> context = Contexts.full(spec("ideation/requirements"));
        String idea = "A <b>bold</b> app for R&D: \"quotes\", 'apostrophes', a > b & c < d";
        context.put("project", Map.of("name", "r&d <tool>", "idea", idea));

        assertThat(prompts.render("ideation/requirements", context))
                .contains("<idea>\n" + idea + "\n</idea>")
                .contains("# Requirements: r&d <tool>")
                .doesNotContain("&amp;")
                .doesNotContain("&lt;")
                .doesNotContain("&quot;")
                .doesNotContain("&#39;");
    }

    @Test
    void recordsWork_asContextValues() {
        Map<String, Object> context = Contexts.full(spec("implement/develop"));
        context.put("item", new Item("W7", "Export <CSV>", List.of("Exports & downloads")));

        assertThat(prompts.render("implement/develop", context))
                .startsWith("# W7: Export <CSV>\n")
                .contains("- Exports & downloads");
    }

    @Test
    void missingRequiredValue_inABuiltInTemplate_namesTheFileLineAndVariable() {
        Map<String, Object> context = Contexts.required(spec("implement/develop"));
        context.put("item", Map.of("key", "W2"));

        assertThatThrownBy(() -> prompts.render("implement/develop", context))
                .isInstanceOf(PromptException.class)
                .hasMessageStartingWith(
                        "built-in prompts/implement/develop.md, line 1: variable {{item.title}} has no value")
                .hasMessageContaining("{{#item.title}}")
                .hasMessageContaining("bug in Orchestrator");
    }

    @Test
    void nullRequiredValue_isAnErrorToo() {
        Map<String, Object> context = Contexts.required(spec("test/fix"));
        Map<String, Object> test = new HashMap<>();
        test.put("command", "pytest -q");
        test.put("output", null);
        context.put("test", test);

        assertThatThrownBy(() -> prompts.render("test/fix", context))
                .isInstanceOf(PromptException.class)
                .hasMessageContaining("built-in prompts/test/fix.md, line 13: variable {{test.output}} has no value");
    }

    @Test
    void missingTemplate_namesItself() {
        assertThatThrownBy(() -> prompts.render("implement/deploy", Map.of()))
                .isInstanceOf(PromptException.class)
                .hasMessageContaining("no prompt template 'implement/deploy'")
                .hasMessageContaining("built-in prompts/implement/deploy.md")
                .hasMessageContaining("implement/develop, implement/review");
    }

    @Test
    void nameThatIsAPath_isRefused() {
        for (String name : List.of("../secrets", "implement/develop.md", "/etc/passwd", "implement//develop", "")) {
            assertThatThrownBy(() -> prompts.render(name, Map.of()))
                    .as(name)
                    .isInstanceOf(PromptException.class)
                    .hasMessageContaining("is not a prompt template name");
        }
    }

    @Test
    void exitCode_isTheConfigurationOne() {
        assertThatThrownBy(() -> prompts.render("nope", Map.of()))
                .isInstanceOfSatisfying(
                        PromptException.class, e -> assertThat(e.exitCode()).isEqualTo(2));
    }

    @Test
    void concurrentRendering_fromManyThreads_givesTheSameTextAsOneThread() throws Exception {
        Map<String, String> expected = new HashMap<>();
        for (Contexts.Spec spec : Contexts.SPECS) {
            expected.put(spec.template(), prompts.render(spec.template(), Contexts.full(spec)));
        }
        Prompts fresh = new Prompts(Optional.empty()); // nothing compiled yet: compilation races too
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(16)) {
            for (int thread = 0; thread < 64; thread++) {
                int offset = thread;
                results.add(threads.submit(() -> {
                    start.await();
                    for (int round = 0; round < 40; round++) {
                        Contexts.Spec spec = Contexts.SPECS.get((offset + round) % Contexts.SPECS.size());
                        if (!fresh.render(spec.template(), Contexts.full(spec)).equals(expected.get(spec.template()))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            start.countDown();
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        }
    }

    @Test
    void readme_documentsEveryTemplateAndEveryVariable() throws IOException {
        String readme = Files.readString(Path.of("prompts", "README.md"));

        for (String name : prompts.templateNames()) {
            assertThat(readme).as(name).contains("`" + name + "`");
        }
        List<String> paths = new ArrayList<>();
        collectPaths("", SampleContext.full(), paths);
        for (String path : paths) {
            assertThat(readme).as(path).contains("`" + path + "`");
        }
    }

    private static void collectPaths(String prefix, Object value, List<String> paths) {
        if (value instanceof Map<?, ?> map) {
            map.forEach(
                    (key, child) -> collectPaths(prefix.isEmpty() ? key.toString() : prefix + "." + key, child, paths));
        } else {
            paths.add(prefix);
        }
    }

    private static Map<String, Object> finding(String severity, String path, Integer line, String message) {
        Map<String, Object> finding = new HashMap<>();
        finding.put("severity", severity);
        finding.put("path", path);
        finding.put("line", line);
        finding.put("message", message);
        return finding;
    }

    private static Contexts.Spec spec(String template) {
        return Contexts.SPECS.stream()
                .filter(spec -> spec.template().equals(template))
                .findFirst()
                .orElseThrow();
    }

    record Item(String key, String title, List<String> acceptance) {}
}
