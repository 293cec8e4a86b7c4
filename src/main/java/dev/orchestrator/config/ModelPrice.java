package dev.orchestrator.config;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What a model's tokens cost, in US dollars per million tokens ({@code agent.prices.<model>}); used
 * for backends that report tokens but not money (Codex).
 *
 * @param cachedInput the price of input tokens served from the provider's prompt cache
 */
public record ModelPrice(BigDecimal input, BigDecimal cachedInput, BigDecimal output) {
    public ModelPrice {
        input = requireNotNegative("input", input);
        cachedInput = cachedInput == null ? input : requireNotNegative("cached_input", cachedInput);
        output = requireNotNegative("output", output);
    }

    /**
     * The cost in micro-dollars of a call; {@code inputTokens} includes the cached ones, as Codex
     * reports them.
     */
    public long costMicros(long inputTokens, long cachedInputTokens, long outputTokens) {
        long cached = Math.min(cachedInputTokens, inputTokens);
        BigDecimal dollars = input.multiply(BigDecimal.valueOf(inputTokens - cached))
                .add(cachedInput.multiply(BigDecimal.valueOf(cached)))
                .add(output.multiply(BigDecimal.valueOf(outputTokens)));
        // dollars per million tokens x tokens = micro-dollars
        return dollars.setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    private static BigDecimal requireNotNegative(String key, BigDecimal value) {
        InvalidSetting.requirePresent(key, value);
        if (value.signum() < 0) {
            throw new InvalidSetting(key, "must be 0 or more US dollars per million tokens");
        }
        return value;
    }
}
