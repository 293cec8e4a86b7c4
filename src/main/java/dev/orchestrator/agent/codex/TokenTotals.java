package dev.orchestrator.agent.codex;

/**
 * Token counts as Codex reports them: {@code inputTokens} includes the {@code cachedInputTokens},
 * {@code outputTokens} includes the reasoning tokens.
 */
record TokenTotals(long inputTokens, long cachedInputTokens, long outputTokens) {
    static final TokenTotals ZERO = new TokenTotals(0, 0, 0);

    /**
     * What was used since {@code earlier}, never below zero (a thread whose totals went down, which
     * Codex does not do, counts from zero rather than negative).
     */
    TokenTotals since(TokenTotals earlier) {
        if (inputTokens < earlier.inputTokens || outputTokens < earlier.outputTokens) {
            return this;
        }
        return new TokenTotals(
                inputTokens - earlier.inputTokens,
                Math.max(0, cachedInputTokens - earlier.cachedInputTokens),
                outputTokens - earlier.outputTokens);
    }
}
