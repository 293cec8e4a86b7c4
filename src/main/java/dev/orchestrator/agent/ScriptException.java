package dev.orchestrator.agent;

import dev.orchestrator.OrchestratorException;
import java.nio.file.Path;
import java.util.List;

/** A scripted agent's script cannot be used. Each problem names its line and key; the program exits with 2. */
public final class ScriptException extends OrchestratorException {
    private final Path file;
    private final List<String> problems;

    public ScriptException(Path file, List<String> problems) {
        super(render(file, problems));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    public ScriptException(Path file, String problem) {
        this(file, List.of(problem));
    }

    /** A bad script is a configuration error. */
    @Override
    public int exitCode() {
        return 2;
    }

    public Path file() {
        return file;
    }

    /** One line per problem, such as {@code line 4, responses[0].fail.class: unknown error class 'x'; ...}. */
    public List<String> problems() {
        return problems;
    }

    private static String render(Path file, List<String> problems) {
        StringBuilder text =
                new StringBuilder("the scripted agent's script ").append(file).append(" cannot be used:");
        for (String problem : problems) {
            text.append("\n  ").append(problem);
        }
        return text.append(
                        "\nFix the script; its format is described, with an example, in config/scripted-example.yaml.")
                .toString();
    }
}
