package dev.orchestrator.contract;

import java.util.Objects;

/**
 * The answer to an agent's question.
 *
 * @param questionId the question's id in its document ({@code Q1})
 * @param question the question as asked
 * @param answer the answer given, or taken
 * @param assumed true when nobody was asked and the answer was assumed (the first option)
 */
public record Answer(String questionId, String question, String answer, boolean assumed) {
    public Answer {
        Objects.requireNonNull(questionId, "questionId");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answer, "answer");
    }
}
