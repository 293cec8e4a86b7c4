package dev.orchestrator.repl;

import dev.orchestrator.agent.Usage;
import dev.orchestrator.config.BudgetConfig;
import dev.orchestrator.pipeline.AgentLedger;
import dev.orchestrator.pipeline.Money;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Spend and budgets as the REPL shows them. */
final class Costs {
    private Costs() {}

    /** {@code $0.42 (123,400 tokens in, 4,100 out)}, or {@code nothing yet}. */
    static String describe(Usage usage) {
        if (usage.equals(Usage.NONE)) {
            return "nothing yet";
        }
        long in = usage.inputTokens() + usage.cacheReadTokens() + usage.cacheWriteTokens();
        return Money.usd(usage.costMicros()) + " ("
                + String.format(Locale.ROOT, "%,d tokens in, %,d out", in, usage.outputTokens()) + ")";
    }

    /** The limits that apply, where they come from; empty when there is none. */
    static Optional<String> limits(AgentLedger.Limits set, BudgetConfig config) {
        List<String> parts = new ArrayList<>();
        set.projectMicros()
                .map(m -> "project " + Money.usd(m) + " (/budget)")
                .or(() -> config.maxUsdPerProject().map(usd -> "project " + Money.usd(Money.micros(usd))))
                .ifPresent(parts::add);
        set.itemMicros()
                .map(m -> "per item " + Money.usd(m) + " (/budget)")
                .or(() -> config.maxUsdPerItem().map(usd -> "per item " + Money.usd(Money.micros(usd))))
                .ifPresent(parts::add);
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", parts));
    }

    /** The items that cost anything, costliest first: {@code W2 $0.42, W1 $0.10}; empty when none did. */
    static Optional<String> items(java.util.Map<Long, Usage> spend, List<dev.orchestrator.work.WorkItem> items) {
        List<String> parts = items.stream()
                .filter(item -> spend.getOrDefault(item.id(), Usage.NONE).costMicros() > 0)
                .sorted(java.util.Comparator.comparingLong((dev.orchestrator.work.WorkItem item) ->
                                spend.get(item.id()).costMicros())
                        .reversed())
                .map(item -> item.key() + " " + Money.usd(spend.get(item.id()).costMicros()))
                .toList();
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", parts));
    }
}
