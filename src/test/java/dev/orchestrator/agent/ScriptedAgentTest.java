package dev.orchestrator.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ScriptedAgentTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private Path work;
    private final List<String> activity = new CopyOnWriteArrayList<>();

    @BeforeEach
    void makeWorkFolder() throws IOException {
        work = Files.createDirectories(dir.resolve("work"));
    }

    private ScriptedAgent agent(String yaml) throws IOException {
        return new ScriptedAgent(Files.writeString(dir.resolve("script.yaml"), yaml));
    }

    private AgentTask task(Role role, PhaseName phase, String item, Contract contract) {
        return new AgentTask(
                role,
                phase,
                Optional.ofNullable(item),
                "Do the " + phase + " work",
                work,
                Optional.ofNullable(contract),
                Optional.empty(),
                Duration.ofMinutes(1),
                Duration.ofMinutes(1),
                dir.resolve("raw.jsonl"));
    }

    private AgentTask developer(String item) {
        return task(Role.DEVELOPER, PhaseName.IMPLEMENT, item, Contract.DEV_RESULT);
    }

    private AgentResult run(ScriptedAgent agent, AgentTask task) throws InterruptedException {
        return agent.run(task, activity::add);
    }

    /** The JSON document in the reply's fenced block. */
    private static JsonNode document(AgentResult result) {
        String text = result.text();
        int start = text.indexOf("```json\n");
        int end = text.lastIndexOf("\n```");
        assertThat(start).as("a fenced json block in: %s", text).isNotNegative();
        return JSON.readTree(text.substring(start + "```json\n".length(), end));
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asString()));
        return texts;
    }

    private List<JsonNode> calls(Path log) throws IOException {
        return Files.readAllLines(log).stream().map(JSON::readTree).toList();
    }

    // ---- defaults -------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Contract.class)
    void emptyScript_answersEveryContractWithAValidDocument(Contract contract) throws Exception {
        AgentResult result = run(agent(""), task(Role.ANALYST, PhaseName.IDEATION, "W1", contract));

        assertThat(result.succeeded()).isTrue();
        JsonNode doc = document(result);
        assertThat(doc.get("contract").asString()).isEqualTo(contract.id());
        switch (contract) {
            case REQUIREMENTS -> {
                assertThat(doc.get("name").asString()).isEqualTo("Scripted project");
                assertThat(doc.get("summary").asString()).isNotBlank();
                JsonNode feature = doc.get("features").get(0);
                assertThat(feature.get("id").asString()).isEqualTo("F1");
                assertThat(feature.get("title").asString()).isNotBlank();
                assertThat(feature.get("description").asString()).isNotBlank();
                assertThat(feature.get("priority").asString()).isIn("must", "should", "could");
                assertThat(doc.get("constraints").isArray()).isTrue();
                assertThat(doc.get("questions").isEmpty()).isTrue();
            }
            case ARCHITECTURE -> {
                assertThat(doc.get("summary").asString()).isNotBlank();
                assertThat(doc.get("stack").get("language").asString()).isNotBlank();
                assertThat(doc.get("stack").get("frameworks").isArray()).isTrue();
                assertThat(doc.get("stack").has("storage")).isTrue();
                JsonNode component = doc.get("components").get(0);
                assertThat(component.get("name").asString()).isNotBlank();
                assertThat(component.get("responsibility").asString()).isNotBlank();
                assertThat(texts(component.get("paths"))).isNotEmpty();
                for (String command : List.of("setup", "build", "test", "run")) {
                    assertThat(doc.get("commands").get(command).asString()).isEqualTo("true");
                }
                assertThat(doc.get("questions").isEmpty()).isTrue();
            }
            case WORK_PLAN -> {
                JsonNode items = doc.get("items");
                assertThat(items).hasSize(2);
                assertThat(items.get(0).get("key").asString()).isEqualTo("W1");
                assertThat(items.get(1).get("key").asString()).isEqualTo("W2");
                assertThat(texts(items.get(1).get("depends_on"))).containsExactly("W1");
                for (JsonNode item : items) {
                    assertThat(item.get("title").asString()).isNotBlank();
                    assertThat(item.get("description").asString()).isNotBlank();
                    assertThat(texts(item.get("acceptance"))).isNotEmpty();
                    assertThat(item.get("priority").asInt()).isBetween(1, 4);
                }
            }
            case DEV_RESULT -> {
                assertThat(doc.get("status").asString()).isEqualTo("done");
                assertThat(doc.get("summary").asString()).isNotBlank();
                assertThat(texts(doc.get("files"))).containsExactly("scripted/W1.txt");
                assertThat(doc.get("blocker").isNull()).isTrue();
            }
            case REVIEW -> {
                assertThat(doc.get("status").asString()).isEqualTo("pass");
                assertThat(doc.get("summary").asString()).isNotBlank();
                assertThat(doc.get("findings").isEmpty()).isTrue();
            }
            case DEPLOY -> {
                assertThat(doc.get("status").asString()).isEqualTo("skipped");
                assertThat(doc.get("url").isNull()).isTrue();
                assertThat(doc.get("notes").asString()).isNotBlank();
            }
        }
        assertThat(activity).contains("scripted reply (" + contract.id() + ")");
    }

    @Test
    void defaultDevResult_writesTheFileItNames() throws Exception {
        AgentResult result = run(agent(""), developer("W2"));

        assertThat(texts(document(result).get("files"))).containsExactly("scripted/W2.txt");
        assertThat(work.resolve("scripted/W2.txt")).content().contains("W2");
        assertThat(activity).containsExactly("Write scripted/W2.txt", "scripted reply (dev_result.v1)");
    }

    @Test
    void defaultDevResult_withoutItemIsNamedAfterThePhase() throws Exception {
        run(agent(""), task(Role.DEVELOPER, PhaseName.INITIALIZE, null, Contract.DEV_RESULT));

        assertThat(work.resolve("scripted/initialize.txt")).exists();
    }

    @Test
    void taskWithoutContract_getsAShortText() throws Exception {
        AgentResult result = run(agent(""), task(Role.REVIEWER, PhaseName.TEST, null, null));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.text()).contains("reviewer").doesNotContain("```");
        assertThat(activity).containsExactly("scripted reply (text)");
    }

    @Test
    void identity_isTheScriptedBackendThatContinuesSessions() throws Exception {
        ScriptedAgent agent = agent("");

        assertThat(agent.name()).isEqualTo("scripted");
        assertThat(agent.continuesSessions()).isTrue();
    }

    @Test
    void exampleScript_loadsAndAnswers() throws Exception {
        ScriptedAgent agent = new ScriptedAgent(Path.of("config/scripted-example.yaml"));

        AgentResult requirements = run(agent, task(Role.ANALYST, PhaseName.IDEATION, null, Contract.REQUIREMENTS));
        AgentResult w1 = run(agent, developer("W1"));
        AgentResult w1Again = run(agent, developer("W1"));

        assertThat(document(requirements).get("name").asString()).isEqualTo("Todo CLI");
        assertThat(requirements.usage().costMicros()).isEqualTo(4_000);
        assertThat(w1.text()).doesNotContain("```");
        assertThat(document(w1Again).get("status").asString()).isEqualTo("done");
    }

    // ---- matching -------------------------------------------------------------------------------

    @Test
    void responses_promptContainsMatchesOnlyPromptsWithThatText() throws Exception {
        ScriptedAgent agent = agent("""
                responses:
                  - {prompt_contains: "the implement work", reply: "implementing"}
                  - {prompt_contains: "nowhere in any prompt", reply: "never"}
                  - {reply: "anything else"}
                """);

        assertThat(run(agent, developer("W1")).text()).isEqualTo("implementing");
        assertThat(run(agent, task(Role.ANALYST, PhaseName.IDEATION, null, Contract.REQUIREMENTS))
                        .text())
                .isEqualTo("anything else");
    }

    @Test
    void responses_firstMatchingEntryWins() throws Exception {
        ScriptedAgent agent = agent("""
                responses:
                  - {item: W2, reply: "for W2"}
                  - {role: developer, phase: implement, reply: "any implementing developer"}
                  - {contract: dev_result.v1, reply: "any dev result"}
                  - {reply: "anything else"}
                """);

        assertThat(run(agent, developer("W2")).text()).isEqualTo("for W2");
        assertThat(run(agent, developer("W1")).text()).isEqualTo("any implementing developer");
        assertThat(run(agent, developer(null)).text()).isEqualTo("any implementing developer");
        assertThat(run(agent, task(Role.FIXER, PhaseName.TEST, "W2", Contract.DEV_RESULT))
                        .text())
                .isEqualTo("for W2");
        assertThat(run(agent, task(Role.FIXER, PhaseName.TEST, null, Contract.DEV_RESULT))
                        .text())
                .isEqualTo("any dev result");
        assertThat(run(agent, task(Role.ANALYST, PhaseName.IDEATION, null, Contract.REQUIREMENTS))
                        .text())
                .isEqualTo("anything else");
    }

    @Test
    void times_usesAnEntryForItsFirstMatchesOnly() throws Exception {
        ScriptedAgent agent = agent("""
                responses:
                  - {item: W1, times: 2, reply: "garbage"}
                  - {item: W1, times: 1, reply: "second try"}
                """);

        assertThat(run(agent, developer("W1")).text()).isEqualTo("garbage");
        assertThat(run(agent, developer("W2")).text()).contains("```json"); // no match: no count used
        assertThat(run(agent, developer("W1")).text()).isEqualTo("garbage");
        assertThat(run(agent, developer("W1")).text()).isEqualTo("second try");
        assertThat(document(run(agent, developer("W1"))).get("status").asString())
                .isEqualTo("done");
    }

    @Test
    void times_countsPerAgentInstance() throws Exception {
        String yaml = "responses:\n  - {times: 1, reply: once}\n";

        assertThat(run(agent(yaml), developer("W1")).text()).isEqualTo("once");
        assertThat(run(agent(yaml), developer("W1")).text()).isEqualTo("once");
    }

    @Test
    void json_isSentAsProseAndAFencedBlockEvenWhenItDoesNotFitTheContract() throws Exception {
        ScriptedAgent agent = agent("""
                responses:
                  - json: {contract: review.v1, status: maybe, nested: {list: [1, 2.5, "x"]}}
                """);

        AgentResult result = run(agent, task(Role.REVIEWER, PhaseName.TEST, null, Contract.REVIEW));

        assertThat(result.text()).startsWith("Scripted answer for review.v1.").endsWith("```\n");
        JsonNode doc = document(result);
        assertThat(doc.get("status").asString()).isEqualTo("maybe");
        assertThat(doc.at("/nested/list/1").decimalValue()).isEqualByComparingTo("2.5");
    }

    @Test
    void reply_isSentVerbatim() throws Exception {
        ScriptedAgent agent = agent("responses:\n  - reply: \"not json {at all\"\n");

        AgentResult result = run(agent, developer("W1"));

        assertThat(result.text()).isEqualTo("not json {at all");
        assertThat(result.succeeded()).isTrue();
        assertThat(work.resolve("scripted")).doesNotExist();
    }

    @Test
    void usage_isReportedInMicroDollars() throws Exception {
        ScriptedAgent agent = agent("""
                responses:
                  - usage: {input_tokens: 10, output_tokens: 5, cache_read_tokens: 3, cost_usd: 0.01}
                """);

        assertThat(run(agent, developer("W1")).usage()).isEqualTo(new Usage(10, 5, 3, 0, 10_000));
    }

    // ---- files ----------------------------------------------------------------------------------

    @Test
    void files_areWrittenInTheTaskFolderBeforeAnswering() throws Exception {
        ScriptedAgent agent = agent("""
                responses:
                  - item: W1
                    files:
                      src/app.py: "print('hi')\\n"
                      docs/deep/notes.md: "# Notes\\n"
                """);

        AgentResult result = run(agent, developer("W1"));

        assertThat(work.resolve("src/app.py")).hasContent("print('hi')");
        assertThat(work.resolve("docs/deep/notes.md")).hasContent("# Notes");
        assertThat(texts(document(result).get("files"))).containsExactly("src/app.py", "docs/deep/notes.md");
        assertThat(work.resolve("scripted")).doesNotExist();
        assertThat(activity)
                .containsExactly("Write src/app.py", "Write docs/deep/notes.md", "scripted reply (dev_result.v1)");
    }

    @Test
    void files_thatLeaveTheTaskFolderAreRefusedWhenTheScriptLoads() {
        assertThatThrownBy(() -> agent("""
                        responses:
                          - files:
                              "../x": "escape"
                              "/etc/evil": "absolute"
                              "a/../../y": "sneaky"
                              "a/../fine.txt": "stays inside"
                        """)).isInstanceOfSatisfying(ScriptException.class, e -> {
            assertThat(e.problems()).hasSize(3);
            assertThat(e.problems().get(0)).startsWith("line 3, responses[0].files[\"../x\"]:");
            assertThat(e.getMessage()).contains("'../x' leaves", "'/etc/evil' must be relative", "'a/../../y'");
        });
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void files_throughALinkOutOfTheTaskFolderFailTheCall() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(work.resolve("link"), outside);
        ScriptedAgent agent = agent("responses:\n  - files: {\"link/evil.txt\": \"x\"}\n");

        AgentResult result = run(agent, developer("W1"));

        assertThat(result.outcome()).isInstanceOfSatisfying(AgentResult.Outcome.Failure.class, failure -> {
            assertThat(failure.errorClass()).isEqualTo(ErrorClass.TOOL_DENIED);
            assertThat(failure.message()).contains("link/evil.txt");
        });
        assertThat(outside.resolve("evil.txt")).doesNotExist();
    }

    // ---- failures and delays --------------------------------------------------------------------

    @Test
    void fail_answersWithTheFailureAfterWritingItsFiles() throws Exception {
        ScriptedAgent agent = agent("""
                responses:
                  - fail: {class: rate_limit, message: "429 slow down"}
                    files: {partial.txt: "half done"}
                """);

        AgentResult result = run(agent, developer("W1"));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.outcome()).isEqualTo(new AgentResult.Outcome.Failure(ErrorClass.RATE_LIMIT, "429 slow down"));
        assertThat(result.sessionId()).isPresent();
        assertThat(work.resolve("partial.txt")).hasContent("half done");
        assertThat(activity).containsExactly("Write partial.txt", "scripted failure (rate_limit)");
    }

    @Test
    void delay_isInterruptedPromptlyAndNothingIsWrittenOrLogged() throws Exception {
        ScriptedAgent agent = agent("""
                calls_log: calls.jsonl
                responses:
                  - {times: 1, delay_ms: 30000, files: {late.txt: "too late"}, reply: slow}
                """);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                run(agent, developer("W1"));
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        Thread.sleep(100); // let it reach the delay; interrupting earlier is fine too

        Instant interrupted = Instant.now();
        caller.interrupt();
        caller.join(Duration.ofSeconds(5));

        assertThat(caller.isAlive()).isFalse();
        assertThat(Duration.between(interrupted, Instant.now())).isLessThan(Duration.ofSeconds(2));
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(work.resolve("late.txt")).doesNotExist();
        assertThat(dir.resolve("calls.jsonl")).doesNotExist();
        assertThat(activity).isEmpty();
        // the interrupted call gave its match back
        assertThat(agent.run(
                                new AgentTask(
                                        Role.DEVELOPER,
                                        PhaseName.IMPLEMENT,
                                        Optional.of("W1"),
                                        "p",
                                        work,
                                        Optional.empty(),
                                        Optional.empty(),
                                        Duration.ofMillis(50),
                                        Duration.ofMinutes(1),
                                        dir.resolve("raw.jsonl")),
                                AgentListener.NONE)
                        .outcome())
                .isEqualTo(new AgentResult.Outcome.Failure(
                        ErrorClass.TIMEOUT,
                        "the scripted delay of 30000 ms is longer than the task's timeout of 50 ms"));
    }

    @Test
    void delay_defaultsToTheScriptsAndAppliesToEveryCall() throws Exception {
        ScriptedAgent agent = agent("delay_ms: 150\n");

        long started = System.nanoTime();
        run(agent, developer("W1"));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }

    @Test
    void interruptedThread_isRefusedBeforeAnythingHappens() throws Exception {
        ScriptedAgent agent = agent("");
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> run(agent, developer("W1"))).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
        assertThat(work.resolve("scripted")).doesNotExist();
    }

    // ---- sessions and the calls log ------------------------------------------------------------

    @Test
    void sessions_areNumberedAndAContinuedSessionKeepsItsId() throws Exception {
        ScriptedAgent agent = agent("");
        AgentTask first = developer("W1");

        String one = run(agent, first).sessionId().orElseThrow();
        String two = run(agent, developer("W2")).sessionId().orElseThrow();
        AgentTask repair = new AgentTask(
                first.role(),
                first.phase(),
                first.itemKey(),
                "Repair your answer",
                work,
                first.contract(),
                Optional.of(one),
                first.timeout(),
                first.stall(),
                first.logFile());
        String continued = run(agent, repair).sessionId().orElseThrow();

        assertThat(one).isEqualTo("scripted-1");
        assertThat(two).isEqualTo("scripted-2");
        assertThat(continued).isEqualTo("scripted-1");
    }

    @Test
    void callsLog_recordsEachCompletedCallAsOneJsonLine() throws Exception {
        ScriptedAgent agent = agent("""
                calls_log: logs/calls.jsonl
                responses:
                  - {role: reviewer, fail: {class: overloaded}}
                """);
        run(agent, developer("W1"));
        run(agent, task(Role.REVIEWER, PhaseName.TEST, null, null));

        List<JsonNode> calls = calls(dir.resolve("logs/calls.jsonl"));

        assertThat(calls).hasSize(2);
        JsonNode first = calls.get(0);
        assertThat(first.get("seq").asInt()).isEqualTo(1);
        assertThat(Instant.parse(first.get("at").asString()))
                .isBefore(Instant.now().plusSeconds(1));
        assertThat(first.get("role").asString()).isEqualTo("developer");
        assertThat(first.get("phase").asString()).isEqualTo("implement");
        assertThat(first.get("item").asString()).isEqualTo("W1");
        assertThat(first.get("contract").asString()).isEqualTo("dev_result.v1");
        assertThat(first.get("session_id").asString()).isEqualTo("scripted-1");
        assertThat(first.get("continued").asBoolean()).isFalse();
        assertThat(first.get("outcome").asString()).isEqualTo("success");
        assertThat(first.get("prompt").asString()).isEqualTo("Do the implement work");
        assertThat(first.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        JsonNode second = calls.get(1);
        assertThat(second.get("seq").asInt()).isEqualTo(2);
        assertThat(second.get("item").isNull()).isTrue();
        assertThat(second.get("contract").isNull()).isTrue();
        assertThat(second.get("outcome").asString()).isEqualTo("overloaded");
    }

    @Test
    void concurrentCalls_shareTimesExactlyAndLogEveryCall() throws Exception {
        ScriptedAgent agent = agent("""
                calls_log: calls.jsonl
                responses:
                  - {times: 10, delay_ms: 20, reply: limited}
                """);
        List<Future<AgentResult>> results = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 50; i++) {
                AgentTask task = task(Role.PLANNER, PhaseName.TASK_BREAKDOWN, "W" + i, Contract.WORK_PLAN);
                results.add(executor.submit(() -> agent.run(task, AgentListener.NONE)));
            }
        }
        List<AgentResult> answers = new ArrayList<>();
        for (Future<AgentResult> result : results) {
            answers.add(result.get());
        }

        assertThat(answers).filteredOn(a -> a.text().equals("limited")).hasSize(10);
        assertThat(answers).filteredOn(a -> a.text().contains("work_plan.v1")).hasSize(40);
        assertThat(answers.stream().map(a -> a.sessionId().orElseThrow()).distinct())
                .hasSize(50);
        List<JsonNode> calls = calls(dir.resolve("calls.jsonl"));
        assertThat(calls).hasSize(50);
        assertThat(calls.stream().map(c -> c.get("seq").asInt()))
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 50).boxed().toList());
    }

    @Test
    void callsLog_staysWholeWithSeveralWritersOnOneFile() throws Exception {
        // two instances have separate locks, like two processes appending to the same file
        String yaml = "calls_log: shared.jsonl\n";
        ScriptedAgent one = agent(yaml);
        ScriptedAgent two = agent(yaml);
        String longPrompt = "x".repeat(20_000);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 40; i++) {
                ScriptedAgent agent = i % 2 == 0 ? one : two;
                AgentTask task = new AgentTask(
                        Role.ANALYST,
                        PhaseName.IDEATION,
                        Optional.empty(),
                        longPrompt + i,
                        work,
                        Optional.of(Contract.REQUIREMENTS),
                        Optional.empty(),
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(1),
                        dir.resolve("raw.jsonl"));
                executor.submit(() -> agent.run(task, AgentListener.NONE));
            }
        }

        List<JsonNode> calls = calls(dir.resolve("shared.jsonl"));

        assertThat(calls).hasSize(40);
        assertThat(calls)
                .allSatisfy(call -> assertThat(call.get("prompt").asString()).startsWith(longPrompt));
    }

    // ---- malformed scripts ----------------------------------------------------------------------

    private void assertRefused(String yaml, String... expected) {
        Path file = dir.resolve("script.yaml");
        assertThatThrownBy(() -> agent(yaml)).isInstanceOfSatisfying(ScriptException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(2);
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.getMessage()).contains(file.toString()).contains(expected);
        });
    }

    @Test
    void malformedScript_badYamlNamesTheLine() {
        assertRefused("delay_ms: 0\nresponses:\n  - {reply: [unclosed\n", "line ", "not valid YAML");
    }

    @Test
    void malformedScript_duplicateKeyIsRefused() {
        assertRefused("delay_ms: 0\ndelay_ms: 5\n", "line 2", "delay_ms");
    }

    @Test
    void malformedScript_unknownKeysAreNamedWithTheirLines() {
        assertRefused(
                "delay_ms: 0\nresponse: []\n",
                "line 2, response: unknown key 'response'",
                "delay_ms, calls_log, responses");
        assertRefused(
                "responses:\n  - contract: review.v1\n    jsn: {}\n", "line 3, responses[0].jsn: unknown key 'jsn'");
    }

    @Test
    void malformedScript_unknownNamesListWhatIsAllowed() {
        assertRefused(
                "responses:\n  - fail: {class: ratelimit}\n",
                "line 2, responses[0].fail.class: unknown error class 'ratelimit'",
                "rate_limit, overloaded");
        assertRefused(
                "responses:\n  - reply: x\n  - contract: requirements.v2\n",
                "line 3, responses[1].contract: unknown contract id 'requirements.v2'",
                "requirements.v1, architecture.v1");
        assertRefused("responses:\n  - role: coder\n", "unknown role 'coder'", "developer");
        assertRefused("responses:\n  - phase: build\n", "unknown phase 'build'", "task_breakdown");
    }

    @Test
    void malformedScript_badValuesAreNamed() {
        assertRefused("responses:\n  - times: 0\n", "responses[0].times: must be a whole number, 1 or more");
        assertRefused("delay_ms: -5\n", "delay_ms: must be a whole number, 0 or more");
        assertRefused("responses:\n  - {json: {}, reply: x}\n", "json or with reply, not both");
        assertRefused("responses:\n  - fail: {message: x}\n", "needs a class");
        assertRefused("responses: {a: 1}\n", "must be a list");
        assertRefused("- a\n- b\n", "the top level must be a mapping");
    }

    @Test
    void malformedScript_reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> agent("bogus: 1\nresponses:\n  - role: coder\n  - times: x\n"))
                .isInstanceOfSatisfying(
                        ScriptException.class, e -> assertThat(e.problems()).hasSize(3));
    }

    @Test
    void missingScript_isNamed() {
        Path absent = dir.resolve("absent.yaml");

        assertThatThrownBy(() -> new ScriptedAgent(absent))
                .isInstanceOf(ScriptException.class)
                .hasMessageContaining(absent.toString())
                .hasMessageContaining("no such file");
    }
}
