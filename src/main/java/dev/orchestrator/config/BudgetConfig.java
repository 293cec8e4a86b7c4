package dev.orchestrator.config;

import java.math.BigDecimal;
import java.util.Optional;

/** Spending limits in US dollars ({@code budget}); empty means no limit. */
public record BudgetConfig(Optional<BigDecimal> maxUsdPerProject, Optional<BigDecimal> maxUsdPerItem) {
    public BudgetConfig {
        maxUsdPerProject = requirePositive("max_usd_per_project", maxUsdPerProject);
        maxUsdPerItem = requirePositive("max_usd_per_item", maxUsdPerItem);
    }

    private static Optional<BigDecimal> requirePositive(String key, Optional<BigDecimal> limit) {
        if (limit == null) {
            return Optional.empty();
        }
        if (limit.isPresent() && limit.get().signum() <= 0) {
            throw new InvalidSetting(key, "must be a positive amount of US dollars, or null for no limit");
        }
        return limit;
    }
}
