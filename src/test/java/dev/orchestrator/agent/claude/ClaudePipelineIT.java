package dev.orchestrator.agent.claude;

import static dev.orchestrator.agent.fake.FakeAnthropicApi.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.agent.fake.FakeAnthropicApi;
import dev.orchestrator.agent.fake.FakeAnthropicApi.Reply;
import dev.orchestrator.agent.fake.FakeAnthropicApi.Request;
import dev.orchestrator.pipeline.RunOutcome;
import dev.orchestrator.pipeline.TestEngine;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectStatus;
import dev.orchestrator.work.WorkItemStatus;
import dev.orchestrator.workspace.Git;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole pipelines through the real Claude Code CLI: the engine in-process, every agent call a real
 * {@code claude -p} whose API is the fake, which answers by the contract the prompt asks for.
 */
class ClaudePipelineIT {
    @RegisterExtension
    final FakeAnthropicApi api = new FakeAnthropicApi();

    @TempDir
    Path home;

    private TestEngine engine() throws Exception {
        return ClaudeProjects.engine(home, api, Map.of());
    }

    private static RunOutcome run(TestEngine t, Project project) throws Exception {
        return ClaudeProjects.run(t, project);
    }

    private static String contract(Request request) {
        return ClaudeProjects.contract(request);
    }

    private static Function<Request, Reply> project() {
        return ClaudeProjects.answers();
    }

    @Test
    void ideaToTestedRepository_throughTheRealCli() throws Exception {
        try (TestEngine t = engine()) {
            Project project = t.service.create("a file that says hi", "hello");
            api.answer(project());

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
            Function<Request, Reply> valid = project();
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
