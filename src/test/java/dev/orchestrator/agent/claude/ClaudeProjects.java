package dev.orchestrator.agent.claude;

import static dev.orchestrator.agent.fake.FakeAnthropicApi.text;
import static dev.orchestrator.agent.fake.FakeAnthropicApi.toolUse;

import dev.orchestrator.agent.fake.FakeAnthropicApi;
import dev.orchestrator.agent.fake.FakeAnthropicApi.Reply;
import dev.orchestrator.agent.fake.FakeAnthropicApi.Request;
import dev.orchestrator.pipeline.RunOutcome;
import dev.orchestrator.pipeline.Supervisor;
import dev.orchestrator.pipeline.TestEngine;
import dev.orchestrator.project.Project;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whole projects through the real Claude Code CLI: an engine whose agent is {@code claude} talking
 * to the fake API, and a fake that answers each request by the contract its prompt asks for.
 */
final class ClaudeProjects {
    private static final Pattern CONTRACT = Pattern.compile("one complete `([a-z_]+\\.v1)` document");
    private static final Pattern WORKING_DIRECTORY =
            Pattern.compile("(?:Primary working directory|Working directory): (\\S+)");

    private ClaudeProjects() {}

    /** An engine in autonomy full driving the real CLI against {@code api}; {@code extra} settings win. */
    static TestEngine engine(Path home, FakeAnthropicApi api, Map<String, String> extra) throws Exception {
        // agent.env is a map: it is set in $ORCHESTRATOR_HOME/config.yaml (a --set takes single values only)
        Files.writeString(home.resolve("config.yaml"), "agent:\n  env:\n" + envYaml(api, home));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("agent.backend", "claude-code");
        settings.put("agent.command", RealClaude.program().toString());
        settings.put("autonomy", "full");
        settings.put("recovery.stall_seconds", "60");
        settings.putAll(extra);
        return TestEngine.start(
                home, TestEngine.script(home.resolve("s"), "responses: []\n"), settings, Optional.empty());
    }

    /** The CLI's environment for {@code api} as the lines of a YAML map under {@code agent.env}. */
    static String envYaml(FakeAnthropicApi api, Path dir) {
        StringBuilder yaml = new StringBuilder();
        RealClaude.env(api, dir, 2)
                .forEach((name, value) -> yaml.append("    ")
                        .append(name)
                        .append(": \"")
                        .append(value)
                        .append("\"\n"));
        return yaml.toString();
    }

    static RunOutcome run(TestEngine t, Project project) throws Exception {
        var start = (Supervisor.Start.Started) t.engine.supervisor().start(project.id());
        return start.done().get(180, TimeUnit.SECONDS);
    }

    /** The contract the conversation last asked for. */
    static String contract(Request request) {
        Matcher matcher = CONTRACT.matcher(String.join("\n", request.messageTexts()));
        String found = "";
        while (matcher.find()) {
            found = matcher.group(1);
        }
        return found;
    }

    /**
     * A valid answer per contract; a developer first writes a file with Write, then answers. The
     * file goes in the folder the CLI says it works in: the workspace for the scaffold, the item's
     * worktree in the implement phase.
     */
    static Function<Request, Reply> answers() {
        return request -> {
            String contract = contract(request);
            if (contract.equals("dev_result.v1") && !request.answersTools()) {
                String file = request.lastMessageText().contains("# Scaffold:") ? "README.md" : "hello.txt";
                return toolUse(
                        "Write",
                        Map.of(
                                "file_path",
                                workingDirectory(request).resolve(file).toString(),
                                "content",
                                "hi\n"));
            }
            return text("Here it is.\n```json\n" + document(contract) + "\n```");
        };
    }

    /** The folder Claude Code tells the model it works in (its environment section). */
    static Path workingDirectory(Request request) {
        Matcher matcher =
                WORKING_DIRECTORY.matcher(request.system() + "\n" + String.join("\n", request.messageTexts()));
        if (!matcher.find()) {
            throw new AssertionError("no working directory in the request's system prompt: " + request.system());
        }
        return Path.of(matcher.group(1));
    }

    static String document(String contract) {
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
}
