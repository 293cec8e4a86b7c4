package dev.orchestrator.pipeline;

import dev.orchestrator.project.Project;
import java.util.Optional;

/**
 * The spending limits checked before every agent call: the project's budget and the budget per
 * work item, as set with {@code /budget} or else as configured. A limit reached pauses the project
 * ({@link AgentPause}) with the amounts and the command that raises it.
 *
 * <p>Stateless: reads the spend from the ledger on each check; safe from any thread.
 */
final class Budgets {
    private final PipelineServices services;
    private final Project project;

    Budgets(PipelineServices services, Project project) {
        this.services = services;
        this.project = project;
    }

    /** @throws AgentPause when a limit the call falls under is spent */
    void check(Optional<Long> itemId, Optional<String> itemKey) {
        AgentLedger.Limits limits = services.ledger().limits(project.id());
        Optional<Long> projectLimit = limits.projectMicros()
                .or(() -> services.config().budget().maxUsdPerProject().map(Money::micros));
        if (projectLimit.isPresent()) {
            long spent = services.ledger().projectSpend(project.id()).costMicros();
            if (spent >= projectLimit.get()) {
                throw new AgentPause(
                        AgentPause.Kind.BUDGET,
                        "the project's budget is spent: " + Money.usd(spent) + " of " + Money.usd(projectLimit.get())
                                + ". /budget " + project.id() + " <usd> raises it, then /resume " + project.id()
                                + ".");
            }
        }
        Optional<Long> itemLimit = limits.itemMicros()
                .or(() -> services.config().budget().maxUsdPerItem().map(Money::micros));
        if (itemId.isPresent() && itemLimit.isPresent()) {
            long spent = services.ledger().itemSpend(itemId.get()).costMicros();
            if (spent >= itemLimit.get()) {
                throw new AgentPause(
                        AgentPause.Kind.BUDGET,
                        "the budget per work item is spent on " + itemKey.orElse("this item") + ": "
                                + Money.usd(spent) + " of " + Money.usd(itemLimit.get()) + ". /budget "
                                + project.id() + " item <usd> raises it, then /resume " + project.id() + ".");
            }
        }
    }
}
