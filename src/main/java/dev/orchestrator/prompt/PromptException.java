package dev.orchestrator.prompt;

import dev.orchestrator.OrchestratorException;
import java.util.List;

/**
 * A prompt template cannot be rendered: it is missing, does not compile, or uses a variable the
 * context has no value for. Each problem names the template file and line; the message ends with
 * what to do.
 */
public final class PromptException extends OrchestratorException {
    private final List<String> problems;

    PromptException(List<String> problems, String advice) {
        super(render(problems, advice));
        this.problems = List.copyOf(problems);
    }

    PromptException(String problem, String advice) {
        this(List.of(problem), advice);
    }

    /** Broken templates are configuration the person fixes, so they exit like configuration errors, with 2. */
    @Override
    public int exitCode() {
        return 2;
    }

    /** One line per problem, each naming the template file and, when known, the line. */
    public List<String> problems() {
        return problems;
    }

    private static String render(List<String> problems, String advice) {
        if (problems.size() == 1) {
            return problems.getFirst() + "\n" + advice;
        }
        StringBuilder text = new StringBuilder("prompt templates cannot be used:");
        for (String problem : problems) {
            text.append("\n  ").append(problem);
        }
        return text.append('\n').append(advice).toString();
    }
}
