package dev.orchestrator.repl;

import dev.orchestrator.pipeline.AgentLedger;
import dev.orchestrator.pipeline.Money;
import dev.orchestrator.project.Project;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * {@code /budget <id> [item] <usd>}: sets a project's spending limit (or its limit per work item),
 * overriding the configured one; without an amount it shows the spend and the limits. A project
 * paused by its budget carries on with {@code /resume}.
 */
final class BudgetCommand implements Command {
    private static final Spec SPEC = new Spec(
            "budget",
            List.of(),
            "<id|name> [item] [usd|none]",
            "show a project's spend, or set its budget (or its budget per work item) in US dollars",
            "/budget 3 25",
            true);

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public Outcome run(String arguments, Session session) {
        String[] parts = arguments.strip().split("\\s+");
        if (parts.length == 0 || parts[0].isEmpty()) {
            session.error("name a project: " + SPEC.usage() + ", e.g. " + SPEC.example());
            return Outcome.CONTINUE;
        }
        Optional<Project> project = session.project(parts[0]);
        if (project.isEmpty()) {
            return Outcome.CONTINUE;
        }
        AgentLedger ledger = session.engine().ledger();
        AgentLedger.Limits limits = ledger.limits(project.get().id());
        boolean item = parts.length > 1 && parts[1].equalsIgnoreCase("item");
        int amountAt = item ? 2 : 1;
        if (parts.length <= amountAt) {
            show(project.get(), session);
            return Outcome.CONTINUE;
        }
        if (parts.length > amountAt + 1) {
            session.error("too many words: " + SPEC.usage() + ", e.g. /budget 3 25 or /budget 3 item 2.50");
            return Outcome.CONTINUE;
        }
        Optional<Long> micros;
        String amount = parts[amountAt].replace("$", "");
        if (amount.equalsIgnoreCase("none")) {
            micros = Optional.empty();
        } else {
            BigDecimal usd;
            try {
                usd = new BigDecimal(amount);
            } catch (NumberFormatException e) {
                session.error("'" + parts[amountAt] + "' is not an amount in US dollars; e.g. /budget "
                        + project.get().id() + (item ? " item" : "") + " 12.50, or none to use the configured one");
                return Outcome.CONTINUE;
            }
            if (usd.signum() <= 0) {
                session.error("a budget must be more than $0; none removes the limit set here");
                return Outcome.CONTINUE;
            }
            micros = Optional.of(Money.micros(usd));
        }
        AgentLedger.Limits changed = item
                ? new AgentLedger.Limits(limits.projectMicros(), micros)
                : new AgentLedger.Limits(micros, limits.itemMicros());
        ledger.setLimits(project.get().id(), changed);
        String what = item ? "budget per work item" : "budget";
        session.println(session.style()
                .success("Project " + project.get().id() + "'s " + what + " is now "
                        + micros.map(Money::usd).orElse("the configured one") + "."));
        show(project.get(), session);
        return Outcome.CONTINUE;
    }

    private static void show(Project project, Session session) {
        AgentLedger ledger = session.engine().ledger();
        session.println("  Spent   " + Costs.describe(ledger.projectSpend(project.id())));
        session.println("  Budget  "
                + Costs.limits(
                                ledger.limits(project.id()),
                                session.engine().services().config().budget())
                        .orElse("none (budget.max_usd_per_project and max_usd_per_item are not set)"));
        if (project.status() == dev.orchestrator.project.ProjectStatus.PAUSED) {
            session.println("Paused projects carry on with /resume " + project.id() + ".");
        }
    }
}
