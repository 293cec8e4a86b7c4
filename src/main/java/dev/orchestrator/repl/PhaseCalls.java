package dev.orchestrator.repl;

import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.contract.ContractMarkdown;
import dev.orchestrator.pipeline.Money;
import dev.orchestrator.pipeline.PhaseSession;
import dev.orchestrator.pipeline.SwarmFocus;
import dev.orchestrator.project.ProjectId;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@code /view <id> <phase> --all} adds: the phase's agent calls. A swarm's latest round shows
 * each member's focus, status, cost and document, then the aggregator's outcome; any other phase a
 * table of its calls.
 */
final class PhaseCalls {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private PhaseCalls() {}

    static void show(Session session, ProjectId project, PhaseName phase, Optional<Contract> contract) {
        List<PhaseSession> calls = session.engine().store().phaseSessions(project, phase);
        if (calls.isEmpty()) {
            session.println("No agent calls yet for " + phase + ".");
        } else if (contract.isPresent() && calls.getLast().attempt() >= 1) {
            // a single planning agent's calls have attempt 0; a swarm's carry their round
            swarm(session, project, phase, calls, contract.get());
        } else {
            table(session, calls);
        }
    }

    private static void swarm(
            Session session, ProjectId project, PhaseName phase, List<PhaseSession> calls, Contract contract) {
        Style style = session.style();
        int round = calls.getLast().attempt();
        List<PhaseSession> ofRound =
                calls.stream().filter(c -> c.attempt() == round).toList();
        TreeMap<Integer, List<PhaseSession>> byMember = ofRound.stream()
                .filter(c -> c.cycle() >= 1)
                .collect(Collectors.groupingBy(PhaseSession::cycle, TreeMap::new, Collectors.toList()));
        List<PhaseSession> aggregator =
                ofRound.stream().filter(c -> c.cycle() == 0).toList();
        session.println(
                "Swarm round " + round + ": " + byMember.size() + " members, " + Money.usd(cost(ofRound)) + " in all");
        byMember.forEach((member, memberCalls) -> {
            PhaseSession last = memberCalls.getLast();
            session.println(style.bold("Member " + member + " " + style.dot() + " "
                    + SwarmFocus.of(member).title() + " " + style.dot() + " " + painted(style, last.status())
                    + " " + style.dot() + " " + Money.usd(cost(memberCalls))));
            body(session, contract, last);
        });
        if (aggregator.isEmpty()) {
            session.println(style.bold("Aggregator " + style.dot() + " not run"));
            return;
        }
        PhaseSession last = aggregator.getLast();
        session.println(style.bold("Aggregator " + style.dot() + " " + painted(style, last.status()) + " " + style.dot()
                + " " + Money.usd(cost(aggregator))));
        if (last.status().equals("completed")) {
            session.println("  its answer is the result below");
        } else {
            last.error().ifPresent(error -> session.println("  " + error));
            // in a swarm's round a result comes from the aggregator or from the deterministic merge
            boolean merged = session.engine()
                    .store()
                    .candidate(project, phase)
                    .or(() -> session.engine().store().output(project, phase))
                    .isPresent();
            if (!last.status().equals("running") && merged) {
                session.println("  the members' documents were merged deterministically into the result below");
            }
        }
        session.println(style.bold("Result"));
    }

    /** A member's document, indented, or why it has none. */
    private static void body(Session session, Contract contract, PhaseSession last) {
        Optional<String> output = last.output();
        if (output.isPresent()) {
            ContractMarkdown.render(contract, JSON.readTree(output.get()), List.of())
                    .lines()
                    .forEach(line -> session.println(line.isEmpty() ? "" : "  " + line));
        } else {
            session.println("  " + last.error().orElse("no document yet"));
        }
    }

    private static void table(Session session, List<PhaseSession> calls) {
        Table table = new Table(List.of(
                Table.Column.right("CALL"),
                Table.Column.left("ROLE"),
                Table.Column.right("CYCLE"),
                Table.Column.left("STATUS"),
                Table.Column.right("COST"),
                Table.Column.shrinking("ERROR")));
        for (PhaseSession call : calls) {
            table.row(List.of(
                    Table.Cell.plain(String.valueOf(call.id())),
                    Table.Cell.plain(call.role().wireName()),
                    Table.Cell.plain(String.valueOf(call.cycle())),
                    Table.Cell.plain(call.status()),
                    Table.Cell.plain(Money.usd(call.costMicros())),
                    Table.Cell.plain(call.error().orElse(""))));
        }
        table.render(session.width(), session.style()).forEach(session::println);
    }

    private static long cost(List<PhaseSession> calls) {
        return calls.stream().mapToLong(PhaseSession::costMicros).sum();
    }

    private static String painted(Style style, String status) {
        Function<String, String> paint = switch (status) {
            case "completed" -> style::green;
            case "failed", "invalid" -> style::red;
            default -> style::yellow;
        };
        return paint.apply(status);
    }
}
