package dev.orchestrator.agent.claude;

import static dev.orchestrator.agent.fake.FakeAnthropicApi.text;
import static dev.orchestrator.agent.fake.FakeAnthropicApi.toolUse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.agent.fake.FakeAnthropicApi;
import dev.orchestrator.agent.fake.FakeAnthropicApi.Reply;
import dev.orchestrator.agent.fake.FakeAnthropicApi.Request;
import dev.orchestrator.pipeline.RunOutcome;
import dev.orchestrator.pipeline.Supervisor;
import dev.orchestrator.pipeline.TestEngine;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectStatus;
import dev.orchestrator.work.WorkItemStatus;
import dev.orchestrator.workspace.Git;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole pipelines through the real Claude Code CLI: the engine in-process, every agent call a real
 * {@code claude -p} whose API is the fake, which answers by the contract the prompt asks for.
 */
class ClaudePipelineIT {
    private static final Pattern CONTRACT = Pattern.compile("one complete `([a-z_]+\\.v1)` document");

    @RegisterExtension
    final FakeAnthropicApi api = new FakeAnthropicApi();

    @TempDir
    Path home;

    private TestEngine engine() throws Exception {
        // agent.env is a map: it is set in $ORCHESTRATOR_HOME/config.yaml (a --set takes single values only)
        StringBuilder yaml = new StringBuilder("agent:\n  env:\n");
        RealClaude.env(api, home, 2)
                .forEach((name, value) -> yaml.append("    ")
                        .append(name)
                        .append(": \"")
                        .append(value)
                        .append("\"\n"));
        Files.writeString(home.resolve("config.yaml"), yaml);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("agent.backend", "claude-code");
        settings.put("agent.command", RealClaude.program().toString());
        settings.put("autonomy", "full");
        settings.put("recovery.stall_seconds", "60");
        return TestEngine.start(
                home, TestEngine.script(home.resolve("s"), "responses: []\n"), settings, Optional.empty());
    }

    private static RunOutcome run(TestEngine t, Project project) throws Exception {
        var start = (Supervisor.Start.Started) t.engine.supervisor().start(project.id());
        return start.done().get(180, TimeUnit.SECONDS);
    }

    /** The contract the conversation last asked for. */
    private static String contract(Request request) {
        Matcher matcher = CONTRACT.matcher(String.join("\n", request.messageTexts()));
        String found = "";
        while (matcher.find()) {
            found = matcher.group(1);
        }
        return found;
    }

    /** A valid answer per contract; the developer first writes a file with Write, then answers. */
    private static Function<Request, Reply> project(Path workspace) {
        return request -> {
            String contract = contract(request);
            if (contract.equals("dev_result.v1") && !request.answersTools()) {
                String file = request.lastMessageText().contains("# Scaffold:") ? "README.md" : "hello.txt";
                return toolUse(
                        "Write", Map.of("file_path", workspace.resolve(file).toString(), "content", "hi\n"));
            }
            return text("Here it is.\n```json\n" + document(contract) + "\n```");
        };
    }

    private static String document(String contract) {
        return switch (contract) {
            case "requirements.v1" -> """
                {"contract":"requirements.v1","name":"Hello","summary":"Writes hello.txt.",
                 "features":[{"id":"F1","title":"Hello file","description":"A file saying hi.","priority":"must"}],
                 "constraints":[],"questions":[]}""";
            case "architecture.v1" -> """
                {"contract":"architecture.v1","summary":"One text file.",
                 "stack":{"language":"text","storage":"none","frameworks":[]},
                 "components":[{"name":"hello","responsibility":"Says hi.","paths":["hello.txt"]}],
                 "commands":{"setup":"true","build":"true","test":"test -f hello.txt","run":"cat hello.txt"},
                 "questions":[]}""";
            case "work_plan.v1" -> """
                {"contract":"work_plan.v1","items":[{"key":"W1","title":"Write hello.txt",
                 "description":"Create hello.txt saying hi.","acceptance":["hello.txt exists"],
                 "depends_on":[],"priority":1}]}""";
            case "dev_result.v1" -> """
                {"contract":"dev_result.v1","status":"done","summary":"Wrote the file.","files":["hello.txt"],
                 "blocker":null}""";
            case "review.v1" -> """
                {"contract":"review.v1","status":"pass","summary":"Fine.","findings":[]}""";
            default -> throw new IllegalArgumentException("no contract in the prompt: " + contract);
        };
    }

    @Test
    void ideaToTestedRepository_throughTheRealCli() throws Exception {
        try (TestEngine t = engine()) {
            Project project = t.service.create("a file that says hi", "hello");
            api.answer(project(project.workspace()));

            RunOutcome outcome = run(t, project);

            assertThat(outcome).as(String.join("\n", t.progress)).isEqualTo(RunOutcome.COMPLETED);
            assertThat(project.workspace().resolve("hello.txt")).hasContent("hi");
            assertThat(project.workspace().resolve("README.md"))
                    .as("written by the scaffold")
                    .hasContent("hi");
            assertThat(t.engine.items(project.id())).extracting(i -> i.status()).containsOnly(WorkItemStatus.DONE);
            assertThat(Git.at(project.workspace()).log(20)).contains("W1: Write hello.txt");
            assertThat(t.service.repository().find(project.id()).orElseThrow().status())
                    .isEqualTo(ProjectStatus.COMPLETED);
            assertThat(t.progress).anyMatch(line -> line.contains("Write hello.txt"));
            assertThat(api.messages().stream().map(ClaudePipelineIT::contract).distinct())
                    .containsExactly(
                            "requirements.v1", "architecture.v1", "work_plan.v1", "dev_result.v1", "review.v1");
            try (var logs = Files.walk(project.workspace().resolve(".orchestrator/logs"))) {
                assertThat(logs.filter(f -> f.toString().endsWith(".jsonl"))).isNotEmpty();
            }
        }
    }

    @Test
    void invalidContract_isRepairedInTheSameResumedSession() throws Exception {
        try (TestEngine t = engine()) {
            Project project = t.service.create("a file that says hi", "hello");
            Function<Request, Reply> valid = project(project.workspace());
            AtomicBoolean broken = new AtomicBoolean();
            api.answer(request -> contract(request).equals("requirements.v1") && broken.compareAndSet(false, true)
                    ? text("Here it is.\n```json\n{\"contract\": \"requirements.v1\", \"name\": \n```")
                    : valid.apply(request));

            RunOutcome outcome = run(t, project);

            assertThat(outcome).as(String.join("\n", t.progress)).isEqualTo(RunOutcome.COMPLETED);
            List<Request> ideation = api.messages().stream()
                    .filter(r -> contract(r).equals("requirements.v1"))
                    .toList();
            assertThat(ideation).hasSize(2);
            Request repair = ideation.get(1);
            assertThat(repair.lastMessageText()).contains("Your previous answer could not be used");
            assertThat(String.join("\n", repair.messageTexts()))
                    .as("the repair continues the conversation")
                    .contains("# Requirements:", "\"name\": ");
            assertThat(repair.headers().get("x-claude-code-session-id"))
                    .isEqualTo(ideation.getFirst().headers().get("x-claude-code-session-id"));
            assertThat(t.progress).anyMatch(line -> line.contains("asking for a repair (1/2)"));
        }
    }
}
