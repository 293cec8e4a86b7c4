package dev.orchestrator.agent.codex;

import dev.orchestrator.agent.Usage;
import dev.orchestrator.config.ModelPrice;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns Codex's token counts into {@link Usage} with a cost from {@code agent.prices}: Codex reports
 * no money. Input tokens in the usage are the uncached ones; cached ones are cache reads.
 *
 * @param model the model the call uses, when known (agent.model, else config.toml's {@code model})
 * @param price its price, when the table has it
 */
record Pricing(Optional<String> model, Optional<ModelPrice> price) {
    /** No model known, no price: for reading output without counting its cost. */
    static final Pricing NONE = new Pricing(Optional.empty(), Optional.empty());

    Pricing {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(price, "price");
    }

    Usage usage(TokenTotals tokens) {
        long cached = Math.min(tokens.cachedInputTokens(), tokens.inputTokens());
        long cost = price.map(p -> p.costMicros(tokens.inputTokens(), cached, tokens.outputTokens()))
                .orElse(0L);
        return new Usage(tokens.inputTokens() - cached, tokens.outputTokens(), cached, 0, cost);
    }

    /** What a person should know when the cost cannot be computed. */
    Optional<String> missingPriceNotice() {
        if (price.isPresent()) {
            return Optional.empty();
        }
        return Optional.of(model.map(m -> "no price for model " + m + " in agent.prices: its cost is counted as 0")
                .orElse("the model is not known (set agent.model): its cost is counted as 0"));
    }
}
