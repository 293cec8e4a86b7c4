package dev.orchestrator.repl;

import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.contract.ContractMarkdown;
import dev.orchestrator.project.PhaseState;
import dev.orchestrator.project.Project;
import dev.orchestrator.work.WorkItem;
import dev.orchestrator.work.WorkItemStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/** {@code /view <id> [phase]}: what a phase produced, readably: documents, work items and findings. */
final class ViewCommand implements Command {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Spec SPEC = new Spec(
            "view",
            List.of(),
            "<id|name> [phase] [--all]",
            "show what a phase produced (requirements, architecture, work plan, items and findings);"
                    + " --all adds its agent calls: a swarm's members with their focus, cost and output",
            "/view 3 ideation --all",
            true);

    private static final String ALL = "--all";

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public List<String> completions(int index) {
        if (index == 1) {
            List<String> words = new ArrayList<>();
            for (PhaseName phase : PhaseName.values()) {
                words.add(phase.toString());
            }
            words.add(ALL);
            return words;
        }
        return index == 2 ? List.of(ALL) : List.of();
    }

    @Override
    public Outcome run(String arguments, Session session) {
        List<String> words = new ArrayList<>(List.of(arguments.strip().split("\\s+")));
        boolean all = words.remove(ALL);
        String[] parts = words.toArray(String[]::new);
        Optional<Project> project = session.project(parts.length > 0 ? parts[0] : "");
        if (project.isEmpty()) {
            return Outcome.CONTINUE;
        }
        PhaseName phase;
        try {
            phase = parts.length > 1 ? PhaseName.fromWireName(parts[1]) : latest(project.get(), session);
        } catch (IllegalArgumentException e) {
            session.error("there is no phase '" + parts[1] + "'. Phases: ideation, architecture, task_breakdown, "
                    + "initialize, implement, test, deploy.");
            return Outcome.CONTINUE;
        }
        var id = project.get().id();
        Optional<Contract> contract = switch (phase) {
            case IDEATION -> Optional.of(Contract.REQUIREMENTS);
            case ARCHITECTURE -> Optional.of(Contract.ARCHITECTURE);
            case TASK_BREAKDOWN -> Optional.of(Contract.WORK_PLAN);
            default -> Optional.empty();
        };
        session.println(session.style()
                .bold("Project " + id + " " + project.get().name() + " "
                        + session.style().dot() + " " + phase));
        if (all) {
            PhaseCalls.show(session, id, phase, contract);
        }
        if (contract.isPresent()) {
            Optional<String> document = session.engine().store().candidate(id, phase);
            if (document.isEmpty()) {
                session.println("No output yet for " + phase + ".");
                return Outcome.CONTINUE;
            }
            ContractMarkdown.render(contract.get(), JSON.readTree(document.get()), List.of())
                    .lines()
                    .forEach(session::println);
            return Outcome.CONTINUE;
        }
        for (PhaseState state : session.engine().store().phases(id)) {
            if (state.phase() == phase) {
                session.println("Status " + state.status().wireName() + ", attempts " + state.attempts()
                        + state.error().map(e -> "; last error: " + e).orElse(""));
            }
        }
        if (phase == PhaseName.IMPLEMENT || phase == PhaseName.INITIALIZE) {
            items(session.engine().items(id), session);
        }
        return Outcome.CONTINUE;
    }

    private static void items(List<WorkItem> items, Session session) {
        if (items.isEmpty()) {
            session.println("No work items yet.");
            return;
        }
        Table table = new Table(List.of(
                Table.Column.left("ITEM"),
                Table.Column.left("STATUS"),
                Table.Column.right("CYCLES"),
                Table.Column.left("COMMIT"),
                Table.Column.shrinking("TITLE")));
        for (WorkItem item : items) {
            table.row(List.of(
                    Table.Cell.plain(item.key()),
                    Table.Cell.plain(item.status().wireName()),
                    Table.Cell.plain(String.valueOf(item.reviewCycles())),
                    Table.Cell.plain(item.commit()
                            .map(c -> c.substring(0, Math.min(8, c.length())))
                            .orElse("")),
                    Table.Cell.plain(item.title())));
        }
        table.render(session.width(), session.style()).forEach(session::println);
        for (WorkItem item : items) {
            if (item.status() == WorkItemStatus.NEEDS_ATTENTION
                    && item.findings().isPresent()) {
                session.println(session.style().yellow(item.key() + " findings:"));
                JSON.readTree(item.findings().get())
                        .forEach(f -> session.println("  " + f.path("severity").asString() + " "
                                + f.path("path").asString()
                                + (f.path("line").asString().isEmpty()
                                        ? ""
                                        : ":" + f.path("line").asString())
                                + " " + f.path("message").asString()));
            }
        }
    }

    /** The latest phase that ran, or ideation. */
    private static PhaseName latest(Project project, Session session) {
        return project.currentPhase()
                .orElseGet(() -> session.engine().store().phases(project.id()).stream()
                        .filter(p -> p.startedAt().isPresent())
                        .map(PhaseState::phase)
                        .reduce((a, b) -> b)
                        .orElse(PhaseName.IDEATION));
    }
}
