package dev.orchestrator.agent;

/** Tokens and money one or more agent calls used. Money is in micro-dollars so that sums are exact. */
public record Usage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens, long costMicros) {
    public static final Usage NONE = new Usage(0, 0, 0, 0, 0);

    public Usage plus(Usage other) {
        return new Usage(
                inputTokens + other.inputTokens,
                outputTokens + other.outputTokens,
                cacheReadTokens + other.cacheReadTokens,
                cacheWriteTokens + other.cacheWriteTokens,
                costMicros + other.costMicros);
    }
}
