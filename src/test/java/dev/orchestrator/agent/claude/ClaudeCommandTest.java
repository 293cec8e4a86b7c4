package dev.orchestrator.agent.claude;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.agent.AgentTask;
import dev.orchestrator.agent.Role;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClaudeCommandTest {

    static AgentTask task(Role role, Optional<String> session) {
        return new AgentTask(
                role,
                PhaseName.IMPLEMENT,
                Optional.of("W1"),
                "--looks like a flag",
                Path.of("/work/p"),
                Optional.of(Contract.DEV_RESULT),
                session,
                Duration.ofMinutes(5),
                Duration.ofSeconds(30),
                Path.of("/work/p/raw.jsonl"));
    }

    private static String after(List<String> arguments, String flag) {
        return arguments.get(arguments.indexOf(flag) + 1);
    }

    @Test
    void developer_streamsJsonEditsWithItsTools_andLeavesThePromptToStandardInput() {
        List<String> arguments =
                ClaudeCommand.arguments("claude", Optional.of("sonnet"), 40, task(Role.DEVELOPER, Optional.empty()));

        assertThat(arguments.subList(0, 9))
                .containsExactly(
                        "claude",
                        "-p",
                        "--output-format",
                        "stream-json",
                        "--verbose",
                        "--permission-mode",
                        "acceptEdits",
                        "--max-turns",
                        "40");
        assertThat(after(arguments, "--model")).isEqualTo("sonnet");
        assertThat(after(arguments, "--tools")).isEqualTo("Read,Write,Edit,Glob,Grep,Bash");
        assertThat(after(arguments, "--allowedTools")).isEqualTo("Read,Write,Edit,Glob,Grep,Bash");
        assertThat(after(arguments, "--append-system-prompt"))
                .contains("Orchestrator", "/work/p", "Do not commit", "dev_result.v1");
        assertThat(arguments).doesNotContain("--resume");
        assertThat(arguments).doesNotContain("--", "--looks like a flag");
        assertThat(arguments.getLast()).isEqualTo("Read,Write,Edit,Glob,Grep,Bash");
    }

    @Test
    void reviewerRunsTestsButCannotEdit_planningRolesOnlyRead() {
        List<String> reviewer =
                ClaudeCommand.arguments("claude", Optional.empty(), 10, task(Role.REVIEWER, Optional.empty()));
        List<String> architect =
                ClaudeCommand.arguments("claude", Optional.empty(), 10, task(Role.ARCHITECT, Optional.empty()));

        assertThat(after(reviewer, "--tools")).isEqualTo("Read,Glob,Grep,Bash");
        assertThat(after(reviewer, "--append-system-prompt")).contains("Do not change any file");
        assertThat(after(architect, "--tools")).isEqualTo("Read,Glob,Grep");
        assertThat(reviewer).doesNotContain("--model");
    }

    @Test
    void continuedSession_isResumed() {
        List<String> arguments =
                ClaudeCommand.arguments("claude", Optional.empty(), 10, task(Role.FIXER, Optional.of("abc-123")));

        assertThat(after(arguments, "--resume")).isEqualTo("abc-123");
    }
}
