package dev.orchestrator.config;

import dev.orchestrator.OrchestratorException;
import java.util.List;

/**
 * The configuration cannot be used. Each problem names the key, where it was set and what is
 * allowed; the program reports them and exits without touching the database.
 */
public final class ConfigException extends OrchestratorException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** Usage and configuration errors exit with 2. */
    @Override
    public int exitCode() {
        return 2;
    }

    /** One line per problem. */
    public List<String> problems() {
        return problems;
    }

    private static String render(List<String> problems) {
        StringBuilder text = new StringBuilder("invalid configuration:");
        for (String problem : problems) {
            text.append("\n  ").append(problem);
        }
        return text.append("\nEvery key is described, with its default, in config/orchestrator.yaml.")
                .toString();
    }
}
