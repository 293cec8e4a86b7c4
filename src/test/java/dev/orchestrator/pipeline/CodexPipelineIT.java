package dev.orchestrator.pipeline;

import static dev.orchestrator.agent.fake.FakeResponsesApi.contract;
import static dev.orchestrator.agent.fake.FakeResponsesApi.exec;
import static dev.orchestrator.agent.fake.FakeResponsesApi.message;
import static dev.orchestrator.agent.fake.FakeResponsesApi.reply;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.agent.codex.RealCodex;
import dev.orchestrator.agent.fake.FakeResponsesApi;
import dev.orchestrator.agent.fake.FakeResponsesApi.Reply;
import dev.orchestrator.agent.fake.FakeResponsesApi.Request;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectStatus;
import dev.orchestrator.work.WorkItemStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One whole project, idea to tested repository, through the real Codex CLI: the fake API answers
 * each call by the contract its prompt asks for, and the developer writes its file with Codex's own
 * shell tool.
 */
class CodexPipelineIT {

    @RegisterExtension
    final FakeResponsesApi api = new FakeResponsesApi();

    @TempDir
    Path home;

    /** An engine in autonomy full driving the real Codex CLI against the fake; {@code extra} settings win. */
    private TestEngine engine(Map<String, String> extra) throws Exception {
        Path codexHome = RealCodex.home(api);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("agent.backend", "codex");
        settings.put("agent.command", RealCodex.program().toString());
        settings.put("agent.model", "gpt-5.5");
        StringBuilder env = new StringBuilder();
        RealCodex.env(codexHome)
                .forEach((key, value) -> env.append("    ")
                        .append(key)
                        .append(": ")
                        .append(value)
                        .append('\n'));
        // agent.env is a map: the home's config.yaml can set it, a --set flag cannot
        Files.writeString(home.resolve("config.yaml"), "agent:\n  env:\n" + env);
        settings.put("autonomy", "full");
        settings.putAll(extra);
        Path script = TestEngine.script(home.resolve("s"), "responses: []\n");
        return TestEngine.start(home, script, settings, Optional.empty());
    }

    @Test
    void aRateLimitCodexDoesNotRetry_isRetriedByTheEngine_andTheProjectCompletes() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean limited = new java.util.concurrent.atomic.AtomicBoolean();
        api.answerWith(
                request -> contract(request.prompt()).equals("work_plan.v1") && limited.compareAndSet(false, true)
                        ? FakeResponsesApi.error(429, "Rate limit reached for requests")
                        : answer(request));
        try (TestEngine t = engine(Map.of("recovery.backoff_seconds", "0", "recovery.backoff_max_seconds", "0"))) {
            Project project = t.service.create("a tool that greets", "greeter");

            assertThat(Runs.run(t, project)).as(Runs.progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(limited).isTrue();
            assertThat(Runs.progress(t)).contains("failed (rate_limit", "retry 1/3");
            assertThat(api.requests().stream().filter(r -> contract(r.prompt()).equals("work_plan.v1")))
                    .hasSizeGreaterThanOrEqualTo(2);
            List<tools.jackson.databind.JsonNode> planner = Runs.sessions(t, project).stream()
                    .filter(s -> s.path("role").asString().equals("planner"))
                    .toList();
            assertThat(planner).extracting(s -> s.path("status").asString()).containsExactly("failed", "completed");
            assertThat(planner.getFirst().path("error_class").asString()).isEqualTo("rate_limit");
        }
    }

    @Test
    void anIdeaBecomesATestedRepository_throughTheRealCodexCli() throws Exception {
        api.answerWith(CodexPipelineIT::answer);
        try (TestEngine t = engine(Map.of())) {
            assertThat(t.engine.services().agent().name()).isEqualTo("codex");
            Project project = t.service.create("a tool that greets", "greeter");

            RunOutcome outcome = Runs.run(t, project);

            assertThat(outcome).as(Runs.progress(t)).isEqualTo(RunOutcome.COMPLETED);
            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.COMPLETED);
            assertThat(t.engine.items(project.id())).extracting(i -> i.status()).containsOnly(WorkItemStatus.DONE);
            assertThat(Files.readString(project.workspace().resolve("hello.txt")))
                    .isEqualTo("hello");
            assertThat(Runs.commits(project)).contains("W1: Write the greeting");
            assertThat(Runs.progress(t)).contains("Bash: printf hello > hello.txt");
            List<String> contracts =
                    api.requests().stream().map(r -> contract(r.prompt())).toList();
            assertThat(contracts)
                    .contains("requirements.v1", "architecture.v1", "work_plan.v1", "dev_result.v1", "review.v1");
            try (var logs = Files.walk(project.workspace().resolve(".orchestrator/logs"))) {
                assertThat(logs.filter(f -> f.toString().endsWith(".jsonl"))).isNotEmpty();
            }
        }
    }

    private static Reply answer(Request request) {
        String prompt = request.prompt();
        return switch (contract(prompt)) {
            case "requirements.v1" -> reply("""
                    {"contract":"requirements.v1","name":"Greeter","summary":"Writes a greeting.",
                     "features":[{"id":"F1","title":"Greeting","description":"hello.txt holds hello.","priority":"must"}],
                     "constraints":[],"questions":[]}""");
            case "architecture.v1" -> reply("""
                    {"contract":"architecture.v1","summary":"One text file.",
                     "stack":{"language":"text","frameworks":[],"storage":"none"},
                     "components":[{"name":"greeting","responsibility":"The greeting.","paths":["hello.txt"]}],
                     "commands":{"setup":"true","build":"true","test":"test -f hello.txt","run":"cat hello.txt"},
                     "questions":[]}""");
            case "work_plan.v1" -> reply("""
                    {"contract":"work_plan.v1","items":[{"key":"W1","title":"Write the greeting",
                     "description":"Create hello.txt holding hello.","acceptance":["hello.txt holds hello"],
                     "depends_on":[],"priority":1}]}""");
            case "dev_result.v1" -> develop(request, prompt.startsWith("# Scaffold"));
            case "review.v1" -> reply("""
                    {"contract":"review.v1","status":"pass","summary":"hello.txt is there.","findings":[]}""");
            default -> message("I was not asked for a contract I know.");
        };
    }

    /** The scaffold answers at once; a work item first runs a shell command, then answers. */
    private static Reply develop(Request request, boolean scaffold) {
        if (scaffold) {
            return reply("""
                    {"contract":"dev_result.v1","status":"done","summary":"Nothing to scaffold.","files":[],
                     "blocker":null}""");
        }
        if (request.toolOutputsThisTurn().isEmpty()) {
            return exec("printf hello > hello.txt");
        }
        return reply("""
                {"contract":"dev_result.v1","status":"done","summary":"Wrote hello.txt.","files":["hello.txt"],
                 "blocker":null}""");
    }
}
