package dev.orchestrator.agent.claude;

import dev.orchestrator.agent.AgentTask;
import dev.orchestrator.agent.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line of one Claude Code call. The tools depend on the role: developers, fixers and
 * deployers edit and run commands; a reviewer reads and runs the tests but has no editing tool;
 * planning roles only read. (Claude Code 2.1.197 has no {@code MultiEdit} or {@code LS}; naming
 * a tool it lacks in {@code --tools} is silently ignored.)
 */
final class ClaudeCommand {
    private static final List<String> EDITING = List.of("Read", "Write", "Edit", "Glob", "Grep", "Bash");
    private static final List<String> REVIEWING = List.of("Read", "Glob", "Grep", "Bash");
    private static final List<String> READING = List.of("Read", "Glob", "Grep");

    private ClaudeCommand() {}

    /**
     * The arguments, program first. The prompt is not among them: with {@code -p} and no prompt
     * argument Claude Code reads it from standard input, where the runner writes it (Linux limits
     * one argument to 128 KiB, and prompts carry whole documents).
     */
    static List<String> arguments(String program, Optional<String> model, int maxTurns, AgentTask task) {
        List<String> tools = tools(task.role());
        List<String> arguments = new ArrayList<>(List.of(
                program,
                "-p",
                "--output-format",
                "stream-json",
                "--verbose",
                "--permission-mode",
                "acceptEdits",
                "--max-turns",
                Integer.toString(maxTurns)));
        model.ifPresent(m -> arguments.addAll(List.of("--model", m)));
        arguments.addAll(List.of("--append-system-prompt", systemPrompt(task)));
        arguments.addAll(List.of("--tools", String.join(",", tools)));
        arguments.addAll(List.of("--allowedTools", String.join(",", tools)));
        task.continueSession().ifPresent(session -> arguments.addAll(List.of("--resume", session)));
        return arguments;
    }

    static List<String> tools(Role role) {
        return switch (role) {
            case DEVELOPER, FIXER, DEPLOYER -> EDITING;
            case REVIEWER -> REVIEWING;
            case ANALYST, ARCHITECT, PLANNER -> READING;
        };
    }

    static String systemPrompt(AgentTask task) {
        String files = switch (task.role()) {
            case DEVELOPER, FIXER, DEPLOYER -> "Change files only inside " + task.workDir() + ".";
            case REVIEWER -> "Do not change any file: read them and run the tests.";
            case ANALYST, ARCHITECT, PLANNER -> "Do not change any file.";
        };
        return "You are the " + task.role().wireName() + ", run non-interactively by Orchestrator: nobody"
                + " answers questions, so decide and note your assumptions. Work only in " + task.workDir() + ". "
                + files + " Do not commit, push or create branches: Orchestrator commits your work."
                + task.contract()
                        .map(c -> " End your final message with the fenced ```json block holding the " + c.id()
                                + " document the prompt asks for.")
                        .orElse("");
    }
}
